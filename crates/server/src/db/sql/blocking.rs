//! Where a blocking database call runs, so that it never stalls the async runtime.

/// Runs a blocking SQLite call: in `block_in_place` on the multi-threaded runtime's threads (so that other
/// requests go on meanwhile), directly elsewhere.
pub(crate) fn off_runtime<T>(call: impl FnOnce() -> T) -> T {
    use tokio::runtime::{Handle, RuntimeFlavor};
    match Handle::try_current().map(|handle| handle.runtime_flavor()) {
        Ok(RuntimeFlavor::MultiThread) => tokio::task::block_in_place(call),
        _ => call(),
    }
}

/// Runs a call of the PostgreSQL client, which blocks on a runtime of its own and so cannot run on a runtime's
/// thread: in `block_in_place` on the multi-threaded runtime, on a thread of its own from a single-threaded one
/// (tests), directly elsewhere.
pub(crate) fn off_runtime_send<T: Send>(call: impl FnOnce() -> T + Send) -> T {
    use tokio::runtime::{Handle, RuntimeFlavor};
    match Handle::try_current().map(|handle| handle.runtime_flavor()) {
        Ok(RuntimeFlavor::MultiThread) => tokio::task::block_in_place(call),
        Ok(_) => std::thread::scope(|scope| {
            scope
                .spawn(call)
                .join()
                .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
        }),
        Err(_) => call(),
    }
}
