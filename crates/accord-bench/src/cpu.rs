//! CPU time read from `/proc`: a whole process's (every thread, exited ones included), or a
//! named set of this process's threads (an embedded server on threads of its own).

use std::time::Duration;

/// Linux reports `utime` and `stime` in `USER_HZ` ticks, 100 per second on every common
/// architecture (what `getconf CLK_TCK` prints).
const TICK_NS: u64 = 10_000_000;

/// User plus system CPU time of process `pid` (`self` allowed) in nanoseconds, from fields 14
/// and 15 of `/proc/<pid>/stat` (10 ms resolution).
pub fn process_cpu_ns(pid: &str) -> Option<u64> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    stat_cpu_ns(&stat)
}

/// User plus system CPU time of this process's threads whose name starts with `prefix`, in
/// nanoseconds: each thread's `schedstat` (nanoseconds on the CPU), or its `stat` ticks where
/// the kernel keeps no scheduler statistics. Threads that already exited are not counted.
pub fn threads_cpu_ns(prefix: &str) -> Option<u64> {
    threads_cpu_ns_where(|name| name.starts_with(prefix))
}

/// CPU time, in nanoseconds, of this process's threads whose name `keep` accepts.
pub fn threads_cpu_ns_where(keep: impl Fn(&str) -> bool) -> Option<u64> {
    let mut total = 0;
    let mut found = false;
    for task in std::fs::read_dir("/proc/self/task").ok()?.flatten() {
        let path = task.path();
        let Ok(name) = std::fs::read_to_string(path.join("comm")) else { continue };
        if !keep(name.trim_end()) {
            continue;
        }
        let schedstat = std::fs::read_to_string(path.join("schedstat")).ok();
        let on_cpu = schedstat.as_deref().and_then(|s| s.split_whitespace().next()?.parse::<u64>().ok());
        let ticks = || std::fs::read_to_string(path.join("stat")).ok().as_deref().and_then(stat_cpu_ns);
        if let Some(ns) = on_cpu.filter(|&ns| ns > 0).or_else(ticks) {
            total += ns;
            found = true;
        }
    }
    found.then_some(total)
}

/// Time threads of process `pid` (`self` allowed) spent runnable but waiting for a CPU, in
/// nanoseconds: the second field of each thread's `schedstat`, summed over the threads whose
/// name `keep` accepts. A measure of how much the machine held them back.
pub fn run_queue_wait_ns(pid: &str, keep: impl Fn(&str) -> bool) -> Option<u64> {
    let mut total = 0;
    let mut found = false;
    for task in std::fs::read_dir(format!("/proc/{pid}/task")).ok()?.flatten() {
        let path = task.path();
        let Ok(name) = std::fs::read_to_string(path.join("comm")) else { continue };
        if !keep(name.trim_end()) {
            continue;
        }
        let Ok(schedstat) = std::fs::read_to_string(path.join("schedstat")) else { continue };
        if let Some(wait) = schedstat.split_whitespace().nth(1).and_then(|w| w.parse::<u64>().ok()) {
            total += wait;
            found = true;
        }
    }
    found.then_some(total)
}

/// `utime + stime` of a `stat` line, in nanoseconds. The fields after the `(comm)` are counted
/// from its closing parenthesis, since a name may hold spaces.
fn stat_cpu_ns(stat: &str) -> Option<u64> {
    let (_, rest) = stat.rsplit_once(')')?;
    let mut fields = rest.split_whitespace().skip(11);
    let utime: u64 = fields.next()?.parse().ok()?;
    let stime: u64 = fields.next()?.parse().ok()?;
    Some((utime + stime) * TICK_NS)
}

/// CPU time over wall time: the cores used on average.
pub fn cores(cpu_ns: u64, wall: Duration) -> f64 {
    let wall = wall.as_nanos() as f64;
    if wall > 0.0 { cpu_ns as f64 / wall } else { 0.0 }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stat_lines_are_read_past_a_name_with_spaces() {
        let line = "3936 (tokio (worker) 1) R 3933 3933 2794 0 -1 4194304 2844 6528 14 1 54 4 3 4 20 0 1 0";
        assert_eq!(stat_cpu_ns(line), Some(58 * TICK_NS));
        assert_eq!(stat_cpu_ns("garbage"), None);
    }

    #[test]
    fn this_process_and_its_main_thread_have_used_cpu() {
        let spin = std::time::Instant::now();
        while spin.elapsed() < Duration::from_millis(30) {
            std::hint::black_box(0);
        }
        assert!(process_cpu_ns("self").is_some());
        let own = std::fs::read_to_string("/proc/thread-self/comm").expect("comm");
        assert!(threads_cpu_ns(own.trim_end()).is_some_and(|ns| ns > 0));
        assert_eq!(threads_cpu_ns("no such thread name"), None);
        assert!(run_queue_wait_ns("self", |_| true).is_some());
        assert_eq!(run_queue_wait_ns("self", |_| false), None);
        assert!((cores(500_000_000, Duration::from_secs(1)) - 0.5).abs() < 1e-9);
    }
}
