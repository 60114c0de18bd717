//! The server's processes, when it runs in others than the bench's: one given by
//! `--server-pid`, or those a cluster target started. Copy, so the scopes that hold it are.

/// More than a cluster target starts (services, gateway, edge).
const MAX: usize = 4;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Pids {
    pids: [u32; MAX],
    len: usize,
}

impl Pids {
    pub fn one(pid: u32) -> Self {
        Self::new(&[pid])
    }

    /// The first [`MAX`] of `pids`.
    pub fn new(pids: &[u32]) -> Self {
        let len = pids.len().min(MAX);
        let mut kept = [0; MAX];
        kept[..len].copy_from_slice(&pids[..len]);
        Self { pids: kept, len }
    }

    pub fn as_slice(&self) -> &[u32] {
        &self.pids[..self.len]
    }

    /// The sum of `read` over the processes; none if any cannot be read.
    pub fn sum(&self, read: impl Fn(&str) -> Option<u64>) -> Option<u64> {
        self.as_slice().iter().map(|pid| read(&pid.to_string())).sum()
    }

    pub fn describe(&self) -> String {
        match self.as_slice() {
            [pid] => format!("server process {pid}"),
            pids => {
                let list: Vec<String> = pids.iter().map(u32::to_string).collect();
                format!("server processes {} together", list.join(", "))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sums_every_process_or_none() {
        let pids = Pids::new(&[1, 2, 3]);
        assert_eq!(pids.sum(|pid| pid.parse::<u64>().ok()), Some(6));
        assert_eq!(pids.sum(|pid| (pid != "2").then_some(1)), None);
        assert_eq!(Pids::one(7).describe(), "server process 7");
        assert_eq!(pids.describe(), "server processes 1, 2, 3 together");
    }
}
