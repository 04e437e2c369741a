//! The client side of the live suite (tests/live.rs): one check of the crate generated
//! from the running CAP service's metadata, through `runtime::Client`, per run.
//!
//! `program CHECK SERVICE_ROOT MODE`, where MODE is `plain` or `ieee754` (the server
//! and the client both use `IEEE754Compatible=true`). Prints `ok` and exits 0 when the
//! check passes; otherwise prints what differed and exits 1. A transport error (the
//! server went away) exits 3, so that the suite can tell a crashed server from a
//! failed check.

use std::process::ExitCode;

use futures_util::TryStreamExt as _;
use live_catalog::catalog::{Authors, Books, BooksShelf, Chapters, Genres};
use live_catalog::requests::EntityContainer;
use live_catalog::runtime::{
    self as rt, Batch, BatchFormat, Client, ErrorKind, Field, Operation, ServiceRoot,
};

/// Why a check failed.
enum Failure {
    /// The client's answer was not what the service holds.
    Check(String),
    /// No answer: the connection failed or broke.
    Transport(String),
}

impl From<rt::Error> for Failure {
    fn from(error: rt::Error) -> Self {
        match error {
            rt::Error::Transport(_) | rt::Error::Timeout(_) => Failure::Transport(error.to_string()),
            other => Failure::Check(format!("request failed: {other}")),
        }
    }
}

type Outcome = Result<(), Failure>;

macro_rules! check {
    ($condition:expr, $($message:tt)+) => {
        if !$condition {
            return Err(Failure::Check(format!($($message)+)));
        }
    };
}

/// The service, the client, and whether both sides use `IEEE754Compatible=true`.
struct Live {
    service: EntityContainer,
    client: Client,
    ieee754: bool,
}

impl Live {
    /// `operation` in this run's number format.
    fn op<T>(&self, operation: Operation<T>) -> Operation<T> {
        operation.ieee754_compatible(self.ieee754)
    }

    async fn send<T>(&self, operation: Operation<T>) -> Result<T, rt::Error> {
        operation.ieee754_compatible(self.ieee754).send(&self.client).await
    }

    /// The error `operation` fails with; a success is a failed check.
    async fn error<T: std::fmt::Debug>(&self, operation: Operation<T>) -> Result<rt::Error, Failure> {
        match self.send(operation).await {
            Ok(value) => Err(Failure::Check(format!("expected an error, got {value:?}"))),
            Err(error @ (rt::Error::Transport(_) | rt::Error::Timeout(_))) => Err(error.into()),
            Err(error) => Ok(error),
        }
    }
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().collect();
    let [_, check, root, mode] = args.as_slice() else {
        eprintln!("usage: program CHECK SERVICE_ROOT plain|ieee754");
        return ExitCode::from(2);
    };
    let client = Client::builder()
        .service_root(ServiceRoot::new(root).expect("the service root is a URL"))
        .max_retries(0)
        .build()
        .expect("the client builds");
    let live = Live {
        service: EntityContainer,
        client,
        ieee754: mode == "ieee754",
    };
    let outcome = match check.as_str() {
        "paging" => paging(&live).await,
        "query_options" => query_options(&live).await,
        "expand" => expand(&live).await,
        "keys" => keys(&live).await,
        "non_ascii_key" => non_ascii_key(&live).await,
        "primitives" => primitives(&live).await,
        "update" => update(&live).await,
        "delete" => delete(&live).await,
        "containment" => containment(&live).await,
        "operations" => operations(&live).await,
        "etag" => etag(&live).await,
        "batch" => batch(&live).await,
        other => Err(Failure::Check(format!("no check {other:?}"))),
    };
    match outcome {
        Ok(()) => {
            println!("ok");
            ExitCode::SUCCESS
        }
        Err(Failure::Check(message)) => {
            println!("{message}");
            ExitCode::from(1)
        }
        Err(Failure::Transport(message)) => {
            println!("no answer: {message}");
            ExitCode::from(3)
        }
    }
}

/// 25 seeded books, 10 to a page: `items()` follows the service's relative next links.
async fn paging(live: &Live) -> Outcome {
    let list = live.service.books().list().ieee754_compatible(live.ieee754);
    let pages: Vec<rt::Page<Books>> = live.client.pages(&list).try_collect().await?;
    check!(pages.len() == 3, "expected 3 pages of 10, got {}", pages.len());
    check!(
        pages[0].next_link.as_deref().is_some_and(|l| !l.starts_with("http")),
        "the service's next link is relative: {:?}",
        pages[0].next_link
    );
    let books: Vec<Books> = live.client.items(&list).try_collect().await?;
    let ids: Vec<i32> = books.iter().map(|b| b.id).collect();
    check!(ids == (1..=25).collect::<Vec<_>>(), "every seeded book once, in order: {ids:?}");
    Ok(())
}

/// `$filter`, `$orderby`, `$top`, `$skip`, `$select`, `$count=true` and `/$count`.
async fn query_options(live: &Live) -> Outcome {
    let books = live.service.books();
    let page = live
        .send(
            books
                .list()
                .filter("stock ge 1000")
                .orderby(["stock desc"])
                .skip(1)
                .top(3)
                .select(["ID", "title", "stock"])
                .count(true),
        )
        .await?;
    let ids: Vec<i32> = page.value.iter().map(|b| b.id).collect();
    check!(ids == [24, 23, 22], "filtered, ordered, skipped and topped: {ids:?}");
    check!(page.count == Some(16), "$count=true counts the filtered books: {:?}", page.count);
    check!(
        page.value.iter().all(|b| b.price.is_absent() && b.title.is_value()),
        "$select leaves out the other properties"
    );
    let count = live.send(books.count().filter("stock lt 1000")).await?;
    check!(count == 9, "typed $count of the filtered collection: {count}");
    let searched = live.send(books.list().search("\"Book 07\"")).await?;
    let ids: Vec<i32> = searched.value.iter().map(|b| b.id).collect();
    check!(ids == [7], "$search finds the title: {ids:?}");
    Ok(())
}

/// `$expand` into typed navigation properties: to-one, to-many, with nested options.
async fn expand(live: &Live) -> Outcome {
    let book = live
        .send(
            live.service
                .books()
                .by_id(1)
                .get()
                .expand(["author", "chapters($orderby=number desc)"]),
        )
        .await?;
    let author = book.author.as_deref().map(|a| a.name.clone());
    check!(author == Some(Field::Value("Brook".into())), "expanded author: {author:?}");
    let chapters: Vec<i32> = book.chapters.iter().flatten().map(|c| c.number).collect();
    check!(chapters == [2, 1], "expanded chapters, newest first: {chapters:?}");
    let ada = live
        .send(
            live.service
                .authors()
                .by_id("a0000000-0000-4000-8000-000000000001")
                .get()
                .expand(["books($select=ID;$orderby=ID;$top=2)"]),
        )
        .await?;
    let books: Vec<i32> = ada.books.iter().flatten().map(|b| b.id).collect();
    check!(books == [2, 4], "nested $select/$orderby/$top in $expand: {books:?}");
    check!(
        !book.additional_data.contains_key("author") && !book.additional_data.contains_key("chapters"),
        "nothing expanded is left untyped: {:?}",
        book.additional_data.keys().collect::<Vec<_>>()
    );
    Ok(())
}

/// Keys of every shape the path must carry intact.
async fn keys(live: &Live) -> Outcome {
    let by_int = live.send(live.service.books().by_id(25).get()).await?;
    check!(by_int.id == 25, "Integer key");
    let by_uuid = live
        .send(live.service.authors().by_id("a0000000-0000-4000-8000-000000000002").get())
        .await?;
    check!(by_uuid.name == Field::Value("Brook".into()), "UUID key");
    for code in ["a/b", "O'Neil", "100%", "a+b", "a&b", "a#b", "a?b", "a\\b", "f(x)", "two words", "..", "'", "%2F"] {
        let genre = Genres {
            code: code.to_owned(),
            name: Field::Value(format!("named {code}")),
            ..Default::default()
        };
        let created = live.send(live.service.genres().create(&genre)).await?;
        check!(created.code == code, "created {code:?}, the service holds {:?}", created.code);
        let read = live.send(live.service.genres().by_code(code).get()).await?;
        check!(read.code == code, "read back {code:?} as {:?}", read.code);
        check!(read.name == genre.name, "read back {code:?}'s name");
    }
    Ok(())
}

/// A key of non-ASCII text (CAP 9 writes such a created key raw into `Location`).
async fn non_ascii_key(live: &Live) -> Outcome {
    let code = "Žluťoučký kůň 東京";
    let genre = Genres {
        code: code.to_owned(),
        ..Default::default()
    };
    live.send(live.service.genres().create(&genre)).await?;
    let read = live.send(live.service.genres().by_code(code).get()).await?;
    check!(read.code == code, "read back {code:?} as {:?}", read.code);
    Ok(())
}

/// Creates a book with a value of every primitive type and reads it back.
async fn primitives(live: &Live) -> Outcome {
    let parse = |text: &str| text.parse::<rt::DateTimeOffset>().expect("a DateTimeOffset");
    // Exact beyond `f64` only where both sides keep numbers as strings. (SQLite keeps
    // 15 significant digits of a decimal; `operations` sends longer ones through.)
    let (price, stock) = if live.ieee754 {
        ("123456789.012345", 9_007_199_254_740_993)
    } else {
        ("54.05", 4_503_599_627_370_497)
    };
    let book = Books {
        id: if live.ieee754 { 1001 } else { 1000 },
        title: "Every type".into(),
        price: Field::Value(price.parse().expect("a decimal")),
        stock: Field::Value(stock),
        rating: Field::Value(rt::Double::from(4.25)),
        pages: Field::Value(-2_147_483_648),
        edition: Field::Value(-32_768),
        volume: Field::Value(255),
        in_print: Field::Value(false),
        published: Field::Value("1999-12-31".parse().expect("a Date")),
        printed_at: Field::Value(parse("2021-07-01T12:34:56.1234567Z")),
        opens_at: Field::Value("23:59:58".parse().expect("a TimeOfDay")),
        reading_time: Field::Value("P1DT2H3M4.5S".parse().expect("a Duration")),
        cover: Field::Value(rt::Binary::from(vec![0u8, 1, 2, 254, 255])),
        isbn_id: Field::Value("0f8fad5b-d9cb-469f-a165-70867728950e".into()),
        shelf: Field::Value(BooksShelf::History),
        ..Default::default()
    };
    live.send(live.service.books().create(&book)).await?;
    let read = live.send(live.service.books().by_id(book.id).get()).await?;
    macro_rules! same {
        ($($field:ident),*) => {$(
            check!(read.$field == book.$field, "{}: sent {:?}, read back {:?}", stringify!($field), book.$field, read.$field);
        )*};
    }
    same!(title, price, stock, rating, pages, edition, volume, in_print, published, printed_at, opens_at, reading_time, cover, isbn_id, shelf);
    Ok(())
}

/// `PATCH` of one property and of an explicit `null`, answered `200` with the entity
/// (the service's default) and `204` (`Prefer: return=minimal`).
async fn update(live: &Live) -> Outcome {
    let genres = live.service.genres();
    let created = Genres {
        code: "patched".into(),
        name: "before".into(),
        ..Default::default()
    };
    live.send(genres.create(&created)).await?;
    let one = genres.by_code("patched");
    let rename = Genres {
        name: "after".into(),
        ..Default::default()
    };
    live.send(one.update(&rename)).await?;
    let read = live.send(one.get()).await?;
    check!(read.name == Field::Value("after".into()), "updated with 200: {:?}", read.name);
    let clear = Genres {
        name: Field::Null,
        ..Default::default()
    };
    let minimal = one.update(&clear).with_header(
        rt::http::HeaderName::from_static("prefer"),
        rt::http::HeaderValue::from_static("return=minimal"),
    );
    live.send(minimal).await?;
    let read = live.send(one.get()).await?;
    check!(read.name == Field::Null, "set to null with 204: {:?}", read.name);
    Ok(())
}

/// `DELETE`, then a typed `404` for the entity and for a key that never existed.
async fn delete(live: &Live) -> Outcome {
    let genres = live.service.genres();
    let doomed = Genres {
        code: "doomed".into(),
        ..Default::default()
    };
    live.send(genres.create(&doomed)).await?;
    live.send(genres.by_code("doomed").delete()).await?;
    let gone = live.error(genres.by_code("doomed").get()).await?;
    check!(gone.kind() == Some(ErrorKind::NotFound), "deleted, then read: {gone}");
    let never = live.error(live.service.books().by_id(999_999).get()).await?;
    check!(never.kind() == Some(ErrorKind::NotFound), "a key never created: {never}");
    Ok(())
}

/// A composition (containment): create, list, get, update and delete below the book.
async fn containment(live: &Live) -> Outcome {
    let chapters = live.service.books().by_id(3).chapters();
    let chapter = Chapters {
        number: 1,
        title: "Opening".into(),
        ..Default::default()
    };
    live.send(chapters.create(&chapter)).await?;
    let second = Chapters {
        number: 2,
        title: "Closing".into(),
        ..Default::default()
    };
    live.send(chapters.create(&second)).await?;
    let listed = live.send(chapters.list().orderby(["number"])).await?;
    let numbers: Vec<i32> = listed.value.iter().map(|c| c.number).collect();
    check!(numbers == [1, 2], "listed: {numbers:?}");
    let one = chapters.by_number(1);
    let retitle = Chapters {
        title: "Prologue".into(),
        ..Default::default()
    };
    live.send(one.update(&retitle)).await?;
    let read = live.send(one.get()).await?;
    check!(read.title == Field::Value("Prologue".into()), "updated: {:?}", read.title);
    live.send(one.delete()).await?;
    let count = live.send(chapters.count()).await?;
    check!(count == 1, "one chapter left: {count}");
    Ok(())
}

/// Bound and unbound actions and functions.
async fn operations(live: &Live) -> Outcome {
    let book = live.service.books().by_id(5);
    let before = live.send(book.get()).await?;
    let etag = before.odata_etag.clone().unwrap_or_default();
    let after = live.send(book.add_stock(Some(7)).if_match(&etag)).await?;
    let expected = before.stock.value().copied().unwrap_or(0) + 7;
    check!(after.stock == Field::Value(expected), "bound action: {:?}", after.stock);
    let price = live.send(book.price_times(Some(3))).await?;
    check!(price.to_f64() == 16.5, "bound function: {price}");
    let doubled = live.send(live.service.restock(Some(21))).await?;
    check!(doubled == 42, "unbound action: {doubled}");
    let count = live.send(live.service.book_count()).await?;
    check!(count >= 25, "unbound function: {count}");
    // Every digit, where both sides keep decimals as strings.
    let digits = if live.ieee754 {
        "12345678901234567890.012345678901234567"
    } else {
        "54.05"
    };
    let sent: rt::Decimal = digits.parse().expect("a decimal");
    let echoed = live.send(live.service.echo_decimal(Some(&sent))).await?;
    check!(echoed == sent, "a decimal sent and returned: {sent} became {echoed}");
    Ok(())
}

/// The ETag round trip: read it, change with it, and be refused with a stale one
/// (`412`) or none (`428`).
async fn etag(live: &Live) -> Outcome {
    let book = live.service.books().by_id(6);
    let read = live.send(book.get()).await?;
    let Some(etag) = read.odata_etag.clone() else {
        return Err(Failure::Check("the entity carries no @odata.etag".into()));
    };
    let change = Books {
        title: "Renamed".into(),
        ..Default::default()
    };
    let missing = live.error(book.update(&change)).await?;
    check!(
        missing.kind() == Some(ErrorKind::PreconditionRequired),
        "a change without If-Match: {missing}"
    );
    // The ETag is the modification time in milliseconds; the next change must differ.
    tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    live.send(book.update(&change).if_match(&etag)).await?;
    let stale = live.error(book.update(&change).if_match(&etag)).await?;
    check!(
        stale.kind() == Some(ErrorKind::PreconditionFailed),
        "a change with a stale ETag: {stale}"
    );
    let fresh = live.send(book.get()).await?;
    check!(fresh.title == Field::Value("Renamed".into()), "the change with the ETag applied");
    let etag = fresh.odata_etag.unwrap_or_default();
    live.send(book.delete().if_match(&etag)).await?;
    Ok(())
}

/// `$batch` in both formats: reads by key, a create and a read that 404s in one
/// request, each answer read as that operation's own typed result.
async fn batch(live: &Live) -> Outcome {
    for (format, code) in [(BatchFormat::Json, "batched-json"), (BatchFormat::Multipart, "batched-multipart")] {
        let books = live.service.books();
        let genres = live.service.genres();
        let genre = Genres {
            code: code.to_owned(),
            name: Field::Value(format!("created in a {format:?} batch")),
            ..Default::default()
        };
        let mut batch = Batch::new().with_format(format);
        let first = batch.add(&live.op(books.by_id(1).get()));
        let last = batch.add(&live.op(books.by_id(25).get()));
        let created = batch.add(&live.op(genres.create(&genre)));
        let missing = batch.add(&live.op(books.by_id(999_999).get()));
        let results = batch.send(&live.client).await?;
        check!(results.get(&first)?.id == 1, "{format:?}: book 1");
        check!(results.get(&last)?.id == 25, "{format:?}: book 25");
        let made = results.get(&created)?;
        check!(made.code == code, "{format:?}: created {code:?}, the service holds {:?}", made.code);
        match results.get(&missing) {
            Ok(book) => return Err(Failure::Check(format!("{format:?}: expected a 404, got {book:?}"))),
            Err(error) => check!(error.kind() == Some(ErrorKind::NotFound), "{format:?}: a key never created: {error}"),
        }
        let read = live.send(genres.by_code(code).get()).await?;
        check!(read.name == genre.name, "{format:?}: the batch's create is stored: {:?}", read.name);
    }
    Ok(())
}
