//! The live suite: a real OData v4 service, SAP CAP (`@sap/cds` 9 with `@cap-js/sqlite`
//! and an in-memory database, tests/live/cap), started on 127.0.0.1 and stopped by the
//! test. Its `$metadata`, as CSDL XML and as CSDL JSON, is downloaded from the running
//! server; the two must generate the same crate, which must compile without warnings.
//! Then tests/live/program.rs, built against that crate, runs one check per process
//! through `runtime::Client` (paging, query options, `$expand`, keys, every primitive
//! type, update, delete, containment, operations, ETags), once with plain JSON numbers
//! and once with `IEEE754Compatible=true` on both sides.
//!
//! A server that crashes or hangs on a request is the server's fault, not the
//! client's: the suite names the check, says so, and goes on with a fresh server.
//!
//! Needs `npm ci --prefix tests/live/cap` (which `.ci/run` does). Without it the test
//! is ignored with that reason; under `CI` the build fails instead (see build.rs).

mod common;

use std::io::{BufRead as _, BufReader, Read as _, Write as _};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex, mpsc};
use std::time::{Duration, Instant};

use odata_codegen::{Input, Inputs, Layout, Options, RuntimeDependency, Select};

/// The checks of tests/live/program.rs, in the order they run against one server.
const CHECKS: &[&str] = &[
    "paging",
    "query_options",
    "expand",
    "keys",
    "non_ascii_key",
    "primitives",
    "update",
    "delete",
    "containment",
    "operations",
    "etag",
    "batch",
];

/// How long the server may take to start, and a check to finish.
const START_TIMEOUT: Duration = Duration::from_secs(90);
const CHECK_TIMEOUT: Duration = Duration::from_secs(60);

fn cap_dir() -> PathBuf {
    common::root().join("tests/live/cap")
}

/// A running CAP server, stopped when dropped.
struct Server {
    child: Child,
    /// `http://127.0.0.1:PORT/odata`.
    root: String,
    port: u16,
    /// What the server wrote to stderr (its error log), kept to say why it crashed.
    errors: Arc<Mutex<Vec<String>>>,
}

impl Server {
    /// Starts the service on a free port; `ieee754` turns on CAP's
    /// `IEEE754Compatible` mode (Int64 and Decimal as strings).
    fn start(ieee754: bool) -> Server {
        let mut command = Command::new("node");
        command
            .arg("node_modules/@sap/cds/bin/serve.js")
            .args(["all", "--in-memory", "--port", "0"])
            .current_dir(cap_dir())
            .env("NODE_ENV", "development")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        if ieee754 {
            command.env("CDS_FEATURES_IEEE754COMPATIBLE", "true");
        }
        let mut child = command
            .spawn()
            .expect("node runs (the live suite needs Node.js 20 or later)");
        let stdout = child.stdout.take().expect("stdout is piped");
        let stderr = child.stderr.take().expect("stderr is piped");
        let errors = Arc::new(Mutex::new(Vec::new()));
        let log_errors = Arc::clone(&errors);
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines() {
                let Ok(line) = line else { break };
                log_errors.lock().expect("the error log").push(line);
            }
        });
        let (lines, received) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines() {
                let Ok(line) = line else { break };
                if lines.send(line).is_err() {
                    break;
                }
            }
        });
        let started = Instant::now();
        let mut log = Vec::new();
        loop {
            let left = START_TIMEOUT.saturating_sub(started.elapsed());
            match received.recv_timeout(left) {
                Ok(line) => {
                    if let Some(port) = listening_port(&line) {
                        // Keep draining stdout so that the server never blocks on it.
                        std::thread::spawn(move || for _ in received {});
                        return Server {
                            child,
                            root: format!("http://127.0.0.1:{port}/odata"),
                            port,
                            errors,
                        };
                    }
                    log.push(line);
                }
                Err(_) => {
                    let _ = child.kill();
                    let _ = child.wait();
                    panic!(
                        "the CAP server did not start within {START_TIMEOUT:?}:\n{}\n{}",
                        log.join("\n"),
                        errors.lock().expect("the error log").join("\n")
                    );
                }
            }
        }
    }

    /// The server's last error line that says why it stopped, if it wrote one.
    fn last_error(&self) -> String {
        let errors = self.errors.lock().expect("the error log");
        errors
            .iter()
            .rev()
            .find(|line| line.contains("Uncaught") || line.contains("Error"))
            .cloned()
            .unwrap_or_else(|| "it wrote no error".to_owned())
    }

    fn is_running(&mut self) -> bool {
        matches!(self.child.try_wait(), Ok(None))
    }

    /// The body of `GET path` (below the host), which must answer `200`.
    fn get(&self, path: &str) -> Vec<u8> {
        let mut stream = TcpStream::connect(("127.0.0.1", self.port)).expect("the server accepts");
        stream
            .set_read_timeout(Some(CHECK_TIMEOUT))
            .expect("a read timeout");
        write!(
            stream,
            "GET {path} HTTP/1.0\r\nHost: 127.0.0.1:{}\r\nConnection: close\r\n\r\n",
            self.port
        )
        .expect("the request is sent");
        let mut response = Vec::new();
        stream
            .read_to_end(&mut response)
            .expect("the response is read");
        let end = response
            .windows(4)
            .position(|w| w == b"\r\n\r\n")
            .expect("the response has headers");
        let head = String::from_utf8_lossy(&response[..end]);
        assert!(head.starts_with("HTTP/1.1 200"), "GET {path}: {head}");
        response[end + 4..].to_vec()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The port of CAP's `server listening on { url: 'http://localhost:PORT' }` line.
fn listening_port(line: &str) -> Option<u16> {
    let rest = line.split("server listening on").nth(1)?;
    let url = rest.split('\'').nth(1)?;
    url.rsplit(':').next()?.trim_end_matches('/').parse().ok()
}

/// The crate generated from `metadata`, read under one name so that its file headers
/// do not tell the two forms apart.
fn generate(metadata: Vec<u8>) -> odata_codegen::Files {
    let inputs = Inputs::new(Input::new("$metadata", metadata), Vec::new());
    let options = Options {
        package: Some("live-catalog".to_owned()),
        select: Select::All,
        layout: Layout::Crate {
            runtime: RuntimeDependency::Path(common::runtime_path()),
        },
        ..Options::default()
    };
    odata_codegen::generate(&inputs, &options)
        .unwrap_or_else(|f| panic!("the CAP metadata generates: {f:#?}"))
        .files
}

/// Writes the generated crate and the program into a workspace below the target
/// directory (kept between runs, so that rebuilds are incremental) and builds the
/// program; returns its executable.
fn build_program(files: &odata_codegen::Files) -> PathBuf {
    let dir = common::target_dir().join("live");
    let krate = dir.join("live-catalog");
    let _ = std::fs::remove_dir_all(&krate);
    odata_codegen::output::write_dir(&krate, files, true).expect("the crate is written");
    let program = dir.join("program");
    std::fs::create_dir_all(program.join("src")).expect("the program's directory");
    std::fs::write(
        program.join("Cargo.toml"),
        format!(
            "[package]\nname = \"live-program\"\nversion = \"0.0.0\"\nedition = \"2024\"\npublish = false\n\n\
             [dependencies]\nlive-catalog = {{ path = \"../live-catalog\" }}\n\
             futures-util = \"0.3\"\ntokio = {{ version = \"1\", features = [\"macros\", \"rt\", \"time\"] }}\n\
             odata-codegen-runtime = {{ path = {:?}, features = [\"client\"] }}\n",
            common::runtime_path()
        ),
    )
    .expect("the program's manifest");
    std::fs::copy(
        common::root().join("tests/live/program.rs"),
        program.join("src/main.rs"),
    )
    .expect("the program's source");
    common::write_workspace(&dir, &["live-catalog", "program"]);
    let (built, output) = common::cargo(
        &dir,
        &["build", "--message-format=short", "-p", "live-program"],
    );
    assert!(
        built,
        "the program builds against the generated crate:\n{output}"
    );
    let warnings: Vec<&str> = common::compiler_warnings(&output)
        .into_iter()
        .filter(|w| w.contains("live-catalog"))
        .collect();
    assert!(
        warnings.is_empty(),
        "the generated crate compiles without warnings:\n{}",
        warnings.join("\n")
    );
    common::target_dir().join("debug/live-program")
}

/// How one run of the program ended.
enum Run {
    Passed,
    Failed(String),
    /// No answer from the server, or no end within [`CHECK_TIMEOUT`].
    NoAnswer(String),
}

fn run_check(program: &Path, check: &str, server: &Server, mode: &str) -> Run {
    let mut child = Command::new(program)
        .args([check, &server.root, mode])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the program runs");
    let started = Instant::now();
    loop {
        match child.try_wait().expect("the program's status") {
            Some(status) => {
                let mut out = String::new();
                if let Some(mut stdout) = child.stdout.take() {
                    let _ = stdout.read_to_string(&mut out);
                }
                if let Some(mut stderr) = child.stderr.take() {
                    let _ = stderr.read_to_string(&mut out);
                }
                return match status.code() {
                    Some(0) => Run::Passed,
                    Some(3) => Run::NoAnswer(out.trim().to_owned()),
                    _ => Run::Failed(out.trim().to_owned()),
                };
            }
            None if started.elapsed() > CHECK_TIMEOUT => {
                let _ = child.kill();
                let _ = child.wait();
                return Run::NoAnswer(format!("no end within {CHECK_TIMEOUT:?}"));
            }
            None => std::thread::sleep(Duration::from_millis(20)),
        }
    }
}

#[test]
#[cfg_attr(
    live_server_missing,
    ignore = "needs the CAP service's packages: npm ci --prefix tests/live/cap"
)]
fn a_generated_client_works_against_a_live_cap_server() {
    let server = Server::start(false);
    let xml = server.get("/odata/$metadata");
    let json = server.get("/odata/$metadata?$format=json");
    assert!(json.starts_with(b"{"), "CAP serves CSDL JSON");
    let files = generate(xml);
    let from_json = generate(json);
    let differing: Vec<&String> = files
        .iter()
        .filter(|(path, text)| from_json.get(path.as_str()) != Some(*text))
        .map(|(path, _)| path)
        .collect();
    assert!(
        differing.is_empty() && files.len() == from_json.len(),
        "the XML and JSON metadata generate the same crate; these files differ: {differing:?}"
    );
    let program = build_program(&files);
    drop(server);

    let mut failures = Vec::new();
    let mut server_faults = Vec::new();
    for (mode, ieee754) in [("plain", false), ("ieee754", true)] {
        let mut server = Server::start(ieee754);
        for check in CHECKS {
            match run_check(&program, check, &server, mode) {
                Run::Passed => eprintln!("live [{mode}] {check}: ok"),
                Run::Failed(why) => failures.push(format!("[{mode}] {check}: {why}")),
                Run::NoAnswer(why) if !server.is_running() => {
                    let fault = format!(
                        "[{mode}] {check}: the server crashed ({why}; the server says: {}); \
                         the server's fault, the suite goes on with a fresh one",
                        server.last_error()
                    );
                    eprintln!("live {fault}");
                    server_faults.push(fault);
                    server = Server::start(ieee754);
                }
                Run::NoAnswer(why) => {
                    let fault = format!(
                        "[{mode}] {check}: the server hung ({why}); the server's fault, \
                         the suite goes on with a fresh one"
                    );
                    eprintln!("live {fault}");
                    server_faults.push(fault);
                    server = Server::start(ieee754);
                }
            }
        }
    }
    if !server_faults.is_empty() {
        eprintln!("server faults:\n{}", server_faults.join("\n"));
    }
    assert!(
        failures.is_empty(),
        "live checks failed:\n{}",
        failures.join("\n")
    );
}
