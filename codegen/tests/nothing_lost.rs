//! Nothing lost: a failed or interrupted `odata-codegen generate` leaves an existing
//! output directory byte for byte as it was, and leaves nothing beside it. Each test runs
//! the real binary on a real directory: an error in the inputs, SIGINT and SIGTERM while
//! the new files are being written, a file-size limit, a full disk, mount points as or
//! inside `--out`, symlinks, odd spellings of `--out`, runs killed with SIGKILL and
//! what they leave, and two runs at once.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Output, Stdio};
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_odata-codegen");

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("codegen/ is in the workspace")
        .to_owned()
}

fn seed_page() -> PathBuf {
    workspace().join("metadata/000_9e47ed566db0d7be.md")
}

fn default_metadata() -> PathBuf {
    workspace().join("metadata/graph-user-statuses.xml")
}

/// A fresh directory for one test.
fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!(
        "odata-codegen-nothing-lost-{name}-{}",
        std::process::id()
    ));
    let _ = fs::remove_dir_all(&dir);
    fs::create_dir_all(&dir).expect("scratch dir");
    dir
}

/// The default metadata with a description of `bytes` bytes, so the generated crate is
/// large and writing it takes a while.
fn large_metadata(dir: &Path, bytes: usize) -> PathBuf {
    let text = fs::read_to_string(default_metadata()).expect("metadata");
    let short = r#"String="Devices count for that user.""#;
    assert!(text.contains(short));
    let long = "Devices count for that user. ".repeat(bytes / 29);
    let path = dir.join("large.xml");
    fs::write(&path, text.replace(short, &format!(r#"String="{long}""#))).expect("write");
    path
}

fn generate(metadata: &Path, out: &Path) -> Command {
    let mut command = Command::new(BIN);
    command
        .arg("generate")
        .arg("--metadata")
        .arg(metadata)
        .arg("--doc")
        .arg(seed_page())
        .arg("--out")
        .arg(out)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    command
}

/// An output directory from an earlier successful run, with the user's build in it.
fn previous_output(dir: &Path) -> PathBuf {
    let out = dir.join("out");
    let done = generate(&default_metadata(), &out).output().expect("run");
    assert!(done.status.success(), "{}", text(&done.stderr));
    fs::create_dir_all(out.join("target/debug")).unwrap();
    fs::write(out.join("target/debug/artifact"), b"build output").unwrap();
    fs::write(out.join("Cargo.lock"), b"# lock\n").unwrap();
    out
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// Every file below `dir` with its bytes.
fn snapshot(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    let mut files = BTreeMap::new();
    let mut pending = vec![dir.to_owned()];
    while let Some(d) = pending.pop() {
        for entry in fs::read_dir(&d).expect("read_dir") {
            let path = entry.expect("entry").path();
            if path.is_dir() {
                pending.push(path);
            } else {
                let bytes = fs::read(&path).expect("read");
                files.insert(path.strip_prefix(dir).unwrap().to_owned(), bytes);
            }
        }
    }
    files
}

/// The temporary directories a run makes beside its output (`.out.new-*`, `.out.old-*`),
/// and anything else hidden.
fn leftovers(dir: &Path) -> Vec<String> {
    fs::read_dir(dir)
        .expect("read_dir")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .filter(|name| name.starts_with('.'))
        .collect()
}

/// The names in `dir`, sorted.
fn entries(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = fs::read_dir(dir)
        .expect("read_dir")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

fn assert_untouched(dir: &Path, out: &Path, before: &BTreeMap<PathBuf, Vec<u8>>, what: &str) {
    assert!(
        snapshot(out) == *before,
        "{what}: the output directory changed"
    );
    assert_eq!(
        leftovers(dir),
        Vec::<String>::new(),
        "{what}: left beside the output"
    );
}

#[test]
fn an_error_in_the_inputs_leaves_the_output_as_it_was() {
    let dir = scratch("error");
    let out = previous_output(&dir);
    let before = snapshot(&out);
    let broken = dir.join("broken.xml");
    let text_of = fs::read_to_string(default_metadata()).unwrap();
    fs::write(
        &broken,
        text_of.replace("graph.complianceStatus", "graph.complianceState"),
    )
    .unwrap();
    let run = generate(&broken, &out).output().expect("run");
    assert_eq!(run.status.code(), Some(1), "{}", text(&run.stderr));
    assert!(
        text(&run.stderr).contains("error[unknown-type]"),
        "{}",
        text(&run.stderr)
    );
    assert_untouched(&dir, &out, &before, "error");
    fs::remove_dir_all(&dir).unwrap();
}

/// Waits until the child has created its temporary directory beside `out`, so the signal
/// arrives while the new files are being written. `None` when the child ended first.
fn wait_for_writing(child: &mut Child, dir: &Path) -> Option<()> {
    let deadline = Instant::now() + Duration::from_secs(120);
    while Instant::now() < deadline {
        if leftovers(dir).iter().any(|n| n.starts_with(".out.new")) {
            return Some(());
        }
        if child.try_wait().expect("try_wait").is_some() {
            return None;
        }
        std::thread::yield_now();
    }
    panic!("the run did not start writing within two minutes");
}

fn signal(child: &Child, name: &str) {
    let status = Command::new("kill")
        .arg(format!("-{name}"))
        .arg(child.id().to_string())
        .status()
        .expect("kill");
    assert!(status.success());
}

fn finish(child: Child) -> (ExitStatus, String) {
    let Output { status, stderr, .. } = child.wait_with_output().expect("wait");
    (status, text(&stderr))
}

/// Sends `name` while the child writes; retries when the child was faster than the
/// signal or than the look for its temporary directory (its run then completed, which
/// is no loss either).
fn interrupted_while_writing(name: &str) {
    let dir = scratch(&format!("signal-{name}"));
    let out = previous_output(&dir);
    let large = large_metadata(&dir, 16 << 20);
    for attempt in 1..=20 {
        let before = snapshot(&out);
        let mut child = generate(&large, &out).spawn().expect("spawn");
        // On a busy machine the whole write can fall between two looks.
        let seen_writing = wait_for_writing(&mut child, &dir).is_some();
        if seen_writing {
            signal(&child, name);
        }
        let (status, stderr) = finish(child);
        assert!(seen_writing || status.success(), "{status}\n{stderr}");
        if status.success() {
            eprintln!("attempt {attempt}: the run completed before {name} arrived; again");
            assert_eq!(leftovers(&dir), Vec::<String>::new());
            continue;
        }
        assert_eq!(status.code(), Some(130), "{name}: {status}\n{stderr}");
        assert!(stderr.contains("interrupted"), "{stderr}");
        assert!(!stderr.contains("panicked"), "{stderr}");
        assert_untouched(&dir, &out, &before, name);
        fs::remove_dir_all(&dir).unwrap();
        return;
    }
    panic!("{name} never arrived while the run was writing");
}

#[cfg(unix)]
#[test]
fn sigint_while_writing_leaves_the_output_as_it_was() {
    interrupted_while_writing("INT");
}

#[cfg(unix)]
#[test]
fn sigterm_while_writing_leaves_the_output_as_it_was() {
    interrupted_while_writing("TERM");
}

/// `command` run under a file-size limit of 1,000 blocks (RLIMIT_FSIZE, set with the
/// shell's `ulimit -f`), so a large file fails to write as on a full disk.
#[cfg(unix)]
fn with_file_size_limit(command: Command) -> Command {
    let mut limited = Command::new("sh");
    limited
        .arg("-c")
        .arg(r#"ulimit -f 1000 && exec "$@""#)
        .arg("sh")
        .arg(command.get_program())
        .args(command.get_args())
        .stdin(Stdio::null());
    limited
}

/// A file-size limit makes the large file fail to write, as a full disk would.
#[cfg(unix)]
#[test]
fn a_file_size_limit_leaves_the_output_as_it_was() {
    let dir = scratch("fsize");
    let out = previous_output(&dir);
    let before = snapshot(&out);
    let large = large_metadata(&dir, 4 << 20);
    let run = with_file_size_limit(generate(&large, &out))
        .output()
        .expect("run");
    let stderr = text(&run.stderr);
    assert_eq!(run.status.code(), Some(1), "{}\n{stderr}", run.status);
    assert!(stderr.contains("error[io]: cannot write"), "{stderr}");
    assert_untouched(&dir, &out, &before, "file-size limit");
    fs::remove_dir_all(&dir).unwrap();
}

/// A file system mounted for the test, unmounted when dropped.
struct Tmpfs(PathBuf);

impl Tmpfs {
    fn mount(path: &Path, size: &str) -> Result<Tmpfs, String> {
        fs::create_dir_all(path).map_err(|e| e.to_string())?;
        let size = format!("size={size}");
        Self::run(path, &["-t", "tmpfs", "-o", &size, "tmpfs"])
    }

    /// `source` mounted again at `path`: the same file system, so only the kernel's
    /// mount table tells it is a mount point.
    fn bind(source: &Path, path: &Path) -> Result<Tmpfs, String> {
        fs::create_dir_all(path).map_err(|e| e.to_string())?;
        Self::run(path, &["--bind", &source.to_string_lossy()])
    }

    fn run(path: &Path, args: &[&str]) -> Result<Tmpfs, String> {
        let run = Command::new("mount")
            .args(args)
            .arg(path)
            .output()
            .map_err(|e| e.to_string())?;
        if run.status.success() {
            Ok(Tmpfs(path.to_owned()))
        } else {
            Err(text(&run.stderr))
        }
    }
}

impl Drop for Tmpfs {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg(&self.0).status();
    }
}

/// A mount made for a test, or `None` (the test then says it is skipped) where mounting
/// is not allowed; under CI that fails the test.
fn mounted(made: Result<Tmpfs, String>) -> Option<Tmpfs> {
    match made {
        Ok(mount) => Some(mount),
        Err(e) => {
            assert!(
                std::env::var_os("CI").is_none(),
                "CI is set but a file system cannot be mounted: {e}"
            );
            eprintln!("skipped: cannot mount a file system here (needs root): {e}");
            None
        }
    }
}

/// A real full disk: the output lives on a 2 MiB tmpfs and the new crate needs more.
/// Mounting needs root; elsewhere the test says so and passes, except under CI.
#[cfg(target_os = "linux")]
#[test]
fn a_full_disk_leaves_the_output_as_it_was() {
    let dir = scratch("full-disk");
    let disk = dir.join("disk");
    let Some(tmpfs) = mounted(Tmpfs::mount(&disk, "2m")) else {
        return;
    };
    let out = previous_output(&disk);
    let before = snapshot(&out);
    let large = large_metadata(&dir, 4 << 20);
    let run = generate(&large, &out).output().expect("run");
    let stderr = text(&run.stderr);
    assert_eq!(run.status.code(), Some(1), "{}\n{stderr}", run.status);
    assert!(stderr.contains("No space left on device"), "{stderr}");
    assert_untouched(&disk, &out, &before, "full disk");
    drop(tmpfs);
    fs::remove_dir_all(&dir).unwrap();
}

/// A run expected to fail: exit 1, the message, no panic.
fn assert_refused(run: &Output, message: &str) -> String {
    let stderr = text(&run.stderr);
    assert_eq!(run.status.code(), Some(1), "{}\n{stderr}", run.status);
    assert!(stderr.contains(message), "wanted `{message}` in:\n{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
    stderr
}

fn assert_success(run: &Output) -> String {
    let stderr = text(&run.stderr);
    assert!(run.status.success(), "{}\n{stderr}", run.status);
    stderr
}

/// The user's build, as [`previous_output`] made it, is still in `out`.
fn assert_build_kept(out: &Path) {
    assert_eq!(
        fs::read(out.join("target/debug/artifact")).expect("target/ kept"),
        b"build output"
    );
    assert_eq!(
        fs::read(out.join("Cargo.lock")).expect("Cargo.lock kept"),
        b"# lock\n"
    );
}

/// A build cache mounted at `out/target` (or a mount anywhere inside `out`) can be
/// neither moved into the new directory nor deleted with the old: the run stops before
/// anything changes, with or without `--force`, and the cache's files stay.
#[cfg(target_os = "linux")]
#[test]
fn a_mount_point_inside_the_output_stops_the_run_before_anything_changes() {
    let dir = scratch("mount-inside");
    let out = previous_output(&dir);
    let cache = out.join("target");
    fs::remove_dir_all(&cache).unwrap();
    let Some(mount) = mounted(Tmpfs::mount(&cache, "4m")) else {
        return;
    };
    fs::create_dir_all(cache.join("debug")).unwrap();
    fs::write(cache.join("debug/artifact"), b"build output").unwrap();
    let before = snapshot(&out);
    for force in [false, true] {
        let mut command = generate(&default_metadata(), &out);
        if force {
            command.arg("--force");
        }
        let run = command.output().expect("run");
        assert_refused(&run, "out/target` is a mount point");
        assert_untouched(&dir, &out, &before, "mount point at target/");
    }
    drop(mount);
    // Deeper down, in a directory the generator would delete.
    let deep = out.join("src/cache");
    let Some(mount) = mounted(Tmpfs::mount(&deep, "1m")) else {
        return;
    };
    fs::write(deep.join("kept"), b"the user's").unwrap();
    let before = snapshot(&out);
    let run = generate(&default_metadata(), &out)
        .arg("--force")
        .output()
        .expect("run");
    assert_refused(&run, "src/cache` is a mount point");
    assert_untouched(&dir, &out, &before, "mount point at src/cache");
    drop(mount);
    fs::remove_dir_all(&dir).unwrap();
}

/// A bind mount shares its file system with `--out`, so only the mount table tells:
/// it is refused all the same.
#[cfg(target_os = "linux")]
#[test]
fn a_bind_mount_inside_the_output_is_refused_too() {
    let dir = scratch("bind-inside");
    let out = previous_output(&dir);
    let elsewhere = dir.join("elsewhere");
    fs::create_dir_all(&elsewhere).unwrap();
    fs::write(elsewhere.join("artifact"), b"cache").unwrap();
    fs::remove_dir_all(out.join("target")).unwrap();
    let Some(mount) = mounted(Tmpfs::bind(&elsewhere, &out.join("target"))) else {
        return;
    };
    let before = snapshot(&out);
    let run = generate(&default_metadata(), &out).output().expect("run");
    assert_refused(&run, "out/target` is a mount point");
    drop(mount);
    assert_eq!(fs::read(elsewhere.join("artifact")).unwrap(), b"cache");
    let mut after = snapshot(&out);
    after.insert(PathBuf::from("artifact"), Vec::new());
    assert!(after.len() == before.len(), "only the mount's view differs");
    fs::remove_dir_all(&dir).unwrap();
}

/// A mount point as `--out` can never be exchanged: the answer comes first, before the
/// inputs are even read (the broken metadata here is never reported).
#[cfg(target_os = "linux")]
#[test]
fn a_mount_point_as_the_output_is_refused_at_once() {
    let dir = scratch("mount-as-out");
    let out = dir.join("out");
    let Some(mount) = mounted(Tmpfs::mount(&out, "4m")) else {
        return;
    };
    fs::write(out.join("kept"), b"the user's").unwrap();
    let broken = dir.join("broken.xml");
    fs::write(&broken, "<not-csdl/>").unwrap();
    let run = generate(&broken, &out).output().expect("run");
    let stderr = assert_refused(&run, "is a mount point");
    assert!(
        stderr.contains("write into a directory inside it"),
        "{stderr}"
    );
    assert!(
        !stderr.contains("csdl"),
        "answered before reading: {stderr}"
    );
    assert_eq!(entries(&out), ["kept"]);
    // Inside it works.
    let inside = out.join("crate");
    assert_success(
        &generate(&default_metadata(), &inside)
            .output()
            .expect("run"),
    );
    assert_success(
        &generate(&default_metadata(), &inside)
            .output()
            .expect("run"),
    );
    assert_eq!(entries(&out), ["crate", "kept"]);
    drop(mount);
    fs::remove_dir_all(&dir).unwrap();
}

/// A symlink as `--out` is written through: the directory it leads to is replaced, with
/// its `target/` and `Cargo.lock`, and the link stays a link.
#[cfg(unix)]
#[test]
fn a_symlinked_output_is_written_through() {
    let dir = scratch("symlink");
    let real = previous_output(&dir);
    fs::write(
        real.join("src/stale.rs"),
        "// @generated by odata-codegen\n",
    )
    .unwrap();
    let links = dir.join("links");
    fs::create_dir_all(&links).unwrap();
    std::os::unix::fs::symlink("../out", links.join("relative")).unwrap();
    std::os::unix::fs::symlink(links.join("relative"), dir.join("chain")).unwrap();
    for link in [links.join("relative"), dir.join("chain")] {
        let run = generate(&default_metadata(), &link).output().expect("run");
        assert_success(&run);
        assert!(
            fs::symlink_metadata(&link)
                .unwrap()
                .file_type()
                .is_symlink()
        );
        assert!(
            !real.join("src/stale.rs").exists(),
            "the real directory was replaced"
        );
        assert_build_kept(&real);
        let check = generate(&default_metadata(), &link)
            .arg("--check")
            .output()
            .expect("run");
        assert_success(&check);
    }
    assert_eq!(entries(&dir), ["chain", "links", "out"]);
    assert_eq!(entries(&links), ["relative"]);
    fs::remove_dir_all(&dir).unwrap();
}

/// A dangling symlink is written through too (its directory is made); a loop, or a link
/// to a file, is refused with nothing made.
#[cfg(unix)]
#[test]
fn dangling_looping_and_file_symlinks() {
    let dir = scratch("symlink-odd");
    std::os::unix::fs::symlink("made/here", dir.join("dangling")).unwrap();
    assert_success(
        &generate(&default_metadata(), &dir.join("dangling"))
            .output()
            .expect("run"),
    );
    assert!(dir.join("made/here/Cargo.toml").is_file());
    std::os::unix::fs::symlink("loop-b", dir.join("loop-a")).unwrap();
    std::os::unix::fs::symlink("loop-a", dir.join("loop-b")).unwrap();
    let run = generate(&default_metadata(), &dir.join("loop-a"))
        .output()
        .expect("run");
    assert_refused(&run, "more than 40 symlinks");
    fs::write(dir.join("file"), b"mine").unwrap();
    std::os::unix::fs::symlink("file", dir.join("to-file")).unwrap();
    let run = generate(&default_metadata(), &dir.join("to-file"))
        .output()
        .expect("run");
    assert_refused(&run, "it exists and is not a directory");
    assert_eq!(fs::read(dir.join("file")).unwrap(), b"mine");
    assert_eq!(
        entries(&dir),
        ["dangling", "file", "loop-a", "loop-b", "made", "to-file"]
    );
    fs::remove_dir_all(&dir).unwrap();
}

/// `/` and paths ending in `..` name no directory that can be replaced: refused before
/// anything is read or walked. `out/.` and `x/../out` are `out`, and `x` is never made.
#[test]
fn odd_spellings_of_the_output() {
    let dir = scratch("spellings");
    let broken = dir.join("broken.xml");
    fs::write(&broken, "<not-csdl/>").unwrap();
    for odd in ["/", "/..", "out/..", ".."] {
        let run = generate(&broken, &dir.join(odd))
            .current_dir(&dir)
            .output()
            .expect("run");
        let stderr = if odd == ".." || odd == "out/.." {
            // The parent holds the user's files: refused, not walked through.
            assert_refused(&run, "pass --force")
        } else {
            assert_refused(&run, "does not name a directory odata-codegen can replace")
        };
        assert!(
            !stderr.contains("csdl"),
            "{odd}: answered before reading: {stderr}"
        );
    }
    let out = previous_output(&dir);
    for spelling in ["out/.", "x/../out", "x/y/../../out/", "./out/./"] {
        let run = generate(&default_metadata(), Path::new(spelling))
            .current_dir(&dir)
            .output()
            .expect("run");
        assert_success(&run);
        assert_build_kept(&out);
        assert_eq!(entries(&dir), ["broken.xml", "out"], "{spelling}");
    }
    fs::remove_dir_all(&dir).unwrap();
}

/// Directories made for `--out` are taken away again when the write fails.
#[cfg(unix)]
#[test]
fn a_failed_write_leaves_no_new_directories() {
    let dir = scratch("new-parents");
    let large = large_metadata(&dir, 4 << 20);
    let run = with_file_size_limit(generate(&large, Path::new("a/b/c/out")))
        .current_dir(&dir)
        .output()
        .expect("run");
    assert_refused(&run, "error[io]: cannot write");
    assert_eq!(entries(&dir), ["large.xml"]);
    fs::remove_dir_all(&dir).unwrap();
}

/// The files as an earlier run left them when it was killed at each point of its write.
fn killed_at(dir: &Path, point: &str) -> PathBuf {
    let out = previous_output(dir);
    match point {
        // While writing the new files: a partial directory beside `out`.
        "writing" => {
            let partial = dir.join(".out.new-4000000-0/src");
            fs::create_dir_all(&partial).unwrap();
            fs::write(
                partial.join("lib.rs"),
                "// @generated by odata-codegen\n// half",
            )
            .unwrap();
        }
        // After the exchange, before `target/` and `Cargo.lock` moved back: `out` holds
        // the new files, the temporary name the old with the user's build.
        "exchanged" => {
            let old = dir.join(".out.new-4000000-0");
            fs::rename(&out, &old).unwrap();
            fs::create_dir_all(out.join("src")).unwrap();
            for name in ["Cargo.toml", "src/lib.rs"] {
                fs::copy(old.join(name), out.join(name)).unwrap();
            }
        }
        // Half of them moved back.
        "carried" => {
            let old = dir.join(".out.new-4000000-0");
            fs::rename(&out, &old).unwrap();
            fs::create_dir_all(&out).unwrap();
            fs::rename(old.join("target"), out.join("target")).unwrap();
        }
        // Between the fallback's two renames: `out` moved aside, missing.
        "aside" => fs::rename(&out, dir.join(".out.old-4000000-0")).unwrap(),
        _ => unreachable!("{point}"),
    }
    out
}

/// What a killed run left is found by the next run and put right: the user's build goes
/// back into `out`, a directory moved aside comes back, the rest is removed.
#[test]
fn the_next_run_recovers_what_a_killed_run_left() {
    for point in ["writing", "exchanged", "carried", "aside"] {
        let dir = scratch(&format!("killed-{point}"));
        let out = killed_at(&dir, point);
        let run = generate(&default_metadata(), &out).output().expect("run");
        let stderr = assert_success(&run);
        assert!(
            stderr.contains("left by an interrupted run"),
            "{point}: {stderr}"
        );
        assert_build_kept(&out);
        assert_eq!(leftovers(&dir), Vec::<String>::new(), "{point}");
        let check = generate(&default_metadata(), &out)
            .arg("--check")
            .output()
            .expect("run");
        assert_success(&check);
        fs::remove_dir_all(&dir).unwrap();
    }
}

/// Real SIGKILLs at many points of a large write: after each, `out` is there and whole
/// (the old or the new crate), and the next complete run leaves the user's build in
/// place and nothing beside `out`.
#[cfg(unix)]
#[test]
fn sigkill_at_any_point_loses_nothing() {
    let dir = scratch("sigkill");
    let out = previous_output(&dir);
    let large = large_metadata(&dir, 8 << 20);
    let mut killed = 0;
    for attempt in 0..12u64 {
        let mut child = generate(&large, &out).spawn().expect("spawn");
        if wait_for_writing(&mut child, &dir).is_some() {
            std::thread::sleep(Duration::from_millis(attempt * 7));
            signal(&child, "KILL");
            killed += 1;
        }
        let _ = finish(child);
        assert!(
            out.join("Cargo.toml").is_file(),
            "attempt {attempt}: `out` is whole"
        );
    }
    assert!(killed > 0, "no run was killed while writing");
    // Each run removes what the runs killed before it left; only the last kill can have
    // left something for the final run, which then says so.
    let left = leftovers(&dir);
    let stderr = assert_success(&generate(&large, &out).output().expect("run"));
    assert_eq!(
        stderr.contains("left by an interrupted run"),
        !left.is_empty(),
        "left before: {left:?}\n{stderr}"
    );
    assert_build_kept(&out);
    assert_eq!(leftovers(&dir), Vec::<String>::new());
    fs::remove_dir_all(&dir).unwrap();
}

/// Two runs into the same `--out` at once take turns: neither takes the other's
/// temporary directory for a leftover, and both succeed.
#[test]
fn two_runs_at_once_take_turns() {
    let dir = scratch("concurrent");
    let out = previous_output(&dir);
    let large = large_metadata(&dir, 4 << 20);
    let first = generate(&large, &out).spawn().expect("spawn");
    let second = generate(&large, &out).spawn().expect("spawn");
    for child in [first, second] {
        let (status, stderr) = finish(child);
        assert!(status.success(), "{status}\n{stderr}");
        assert!(!stderr.contains("interrupted run"), "{stderr}");
    }
    assert_build_kept(&out);
    assert_eq!(leftovers(&dir), Vec::<String>::new());
    fs::remove_dir_all(&dir).unwrap();
}

/// What the next run says of a killed run's leftovers shows a terminal escape in the
/// directory's name as text, never sends it to the terminal.
#[cfg(unix)]
#[test]
fn recovery_notes_show_escapes_in_names() {
    let dir = scratch("escape-note");
    let out = dir.join("o\u{1b}[31mut");
    assert_success(&generate(&default_metadata(), &out).output().expect("run"));
    fs::rename(&out, dir.join(".o\u{1b}[31mut.old-4000000-0")).unwrap();
    let stderr = assert_success(&generate(&default_metadata(), &out).output().expect("run"));
    assert!(stderr.contains("left by an interrupted run"), "{stderr}");
    assert!(!stderr.contains('\u{1b}'), "{stderr:?}");
    assert!(stderr.contains("\\x1b[31m"), "{stderr:?}");
    assert!(out.join("Cargo.toml").is_file());
    fs::remove_dir_all(&dir).unwrap();
}
