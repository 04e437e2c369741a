//! Work that runs beside the rest on a second thread.

use std::thread;

/// Does `work` while another thread drops `value`: freeing a large structure's many
/// allocations takes a part of a millisecond that nothing need wait for. Where no
/// thread can be started, `value` is dropped here first.
pub(crate) fn drop_while<T: Send, R>(value: T, work: impl FnOnce() -> R) -> R {
    thread::scope(|scope| {
        // On failure the closure, and `value` with it, is dropped before `work`.
        let _ = thread::Builder::new().spawn_scoped(scope, move || drop(value));
        work()
    })
}
