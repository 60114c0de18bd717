//! The server's resident memory over a run, sampled on a task of its own so that a plot can
//! show growth, plateaus and release rather than two end points.

use std::time::Duration;

use tokio::sync::oneshot;
use tokio::task::JoinHandle;
use tokio::time::{Instant, MissedTickBehavior};

use super::RssScope;

/// At most this many samples are kept (an hour at one a second); later ones are dropped.
const MAX_SAMPLES: usize = 3_600;

pub struct RssSampler {
    stop: oneshot::Sender<()>,
    task: JoinHandle<Vec<(f64, u64)>>,
}

impl RssSampler {
    /// Samples `scope` now and every `every` until [`Self::finish`]. Samples nothing when the
    /// scope measures nothing.
    pub fn start(scope: RssScope, every: Duration) -> Self {
        let (stop, mut stopped) = oneshot::channel();
        let task = tokio::spawn(async move {
            let start = Instant::now();
            let mut samples = Vec::new();
            let mut ticks = tokio::time::interval(every);
            ticks.set_missed_tick_behavior(MissedTickBehavior::Delay);
            loop {
                tokio::select! {
                    _ = &mut stopped => break,
                    _ = ticks.tick() => {
                        match scope.rss_kib() {
                            Some(kib) if samples.len() < MAX_SAMPLES => samples.push((start.elapsed().as_secs_f64(), kib)),
                            Some(_) => {}
                            None => break,
                        }
                    }
                }
            }
            samples
        });
        Self { stop, task }
    }

    /// Stops sampling: (seconds since the start, KiB) in time order.
    pub async fn finish(self) -> Vec<(f64, u64)> {
        let _ = self.stop.send(());
        self.task.await.unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn samples_this_process_over_time_and_nothing_when_unmeasured() {
        let sampler = RssSampler::start(RssScope::ThisProcess, Duration::from_millis(10));
        tokio::time::sleep(Duration::from_millis(60)).await;
        let samples = sampler.finish().await;
        assert!(samples.len() >= 3, "{samples:?}");
        assert!(samples.windows(2).all(|w| w[0].0 < w[1].0) && samples.iter().all(|&(_, kib)| kib > 0));

        let none = RssSampler::start(RssScope::None, Duration::from_millis(10));
        tokio::time::sleep(Duration::from_millis(30)).await;
        assert!(none.finish().await.is_empty());
    }
}
