//! A bare server's own thread and runtime: its threads carry a name of their own, so its CPU
//! time is read from `/proc` apart from the clients' in the same process.

use std::time::Duration;

use anyhow::Context;
use tokio::sync::oneshot;

/// How long a stopped server's runtime may take to finish its tasks.
const SHUTDOWN: Duration = Duration::from_secs(2);

/// Runs `serve()` on a runtime of `workers` threads named `name`, on a thread of its own. The
/// receiver gets what `serve` returned once the runtime has shut down.
pub fn spawn<F, Fut>(
    name: &'static str,
    workers: usize,
    serve: F,
) -> anyhow::Result<oneshot::Receiver<anyhow::Result<()>>>
where
    F: FnOnce() -> Fut + Send + 'static,
    Fut: Future<Output = anyhow::Result<()>>,
{
    let (done_tx, done) = oneshot::channel();
    std::thread::Builder::new()
        .name(name.into())
        .spawn(move || {
            let runtime = tokio::runtime::Builder::new_multi_thread()
                .worker_threads(workers)
                .thread_name(name)
                .enable_all()
                .build();
            let served = runtime.context("the server's runtime").and_then(|runtime| {
                let served = runtime.block_on(serve());
                runtime.shutdown_timeout(SHUTDOWN);
                served
            });
            let _ = done_tx.send(served);
        })
        .context("starting the server thread")?;
    Ok(done)
}
