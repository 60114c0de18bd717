//! UDP datagrams the kernel dropped because a socket's receive buffer was full: per socket from
//! `/proc/net/udp` (its `drops` column), attributed to the server or to the bench's clients by
//! which process holds the socket (and, for an embedded server, by the SFU's port); and the
//! network namespace's `RcvbufErrors` and `SndbufErrors` from `/proc/net/snmp`.

use std::collections::HashSet;

/// Drop counters at one instant; subtract two with [`Drops::since`].
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Drops {
    /// At the server's media socket(s), when known.
    pub server: Option<u64>,
    /// At the sockets this process holds other than the server's.
    pub clients: Option<u64>,
    /// Namespace-wide (other processes on the machine included).
    pub rcvbuf_errors: Option<u64>,
    pub sndbuf_errors: Option<u64>,
}

impl Drops {
    /// Reads the counters: the server's sockets are those of process `server_pid`, or this
    /// process's socket bound to `server_port` (an embedded server's SFU).
    pub fn read(server_pid: Option<u32>, server_port: Option<u16>) -> Self {
        let sockets = sockets();
        let mine = socket_inodes("self").unwrap_or_default();
        let sum = |keep: &dyn Fn(u64, u16) -> bool| -> u64 {
            sockets.iter().filter(|s| keep(s.inode, s.port)).map(|s| s.drops).sum()
        };
        let (server, clients) = match (server_port, server_pid) {
            (Some(port), _) => (
                Some(sum(&|inode, p| mine.contains(&inode) && p == port)),
                Some(sum(&|inode, p| mine.contains(&inode) && p != port)),
            ),
            (None, Some(pid)) => {
                let theirs = socket_inodes(&pid.to_string());
                (theirs.map(|t| sum(&|inode, _| t.contains(&inode))), Some(sum(&|inode, _| mine.contains(&inode))))
            }
            (None, None) => (None, Some(sum(&|inode, _| mine.contains(&inode)))),
        };
        let (rcvbuf_errors, sndbuf_errors) = snmp();
        Self { server, clients, rcvbuf_errors, sndbuf_errors }
    }

    /// What was dropped between `earlier` and `self`. Sockets closed in between take their
    /// counts along, so a difference that would be negative reads as 0.
    pub fn since(self, earlier: Self) -> Self {
        let delta = |a: Option<u64>, b: Option<u64>| a.zip(b).map(|(a, b)| a.saturating_sub(b));
        Self {
            server: delta(self.server, earlier.server),
            clients: delta(self.clients, earlier.clients),
            rcvbuf_errors: delta(self.rcvbuf_errors, earlier.rcvbuf_errors),
            sndbuf_errors: delta(self.sndbuf_errors, earlier.sndbuf_errors),
        }
    }
}

struct Socket {
    inode: u64,
    port: u16,
    drops: u64,
}

/// Every UDP socket of the namespace (IPv4 and IPv6).
fn sockets() -> Vec<Socket> {
    let mut all = Vec::new();
    for table in ["/proc/net/udp", "/proc/net/udp6"] {
        let Ok(text) = std::fs::read_to_string(table) else { continue };
        all.extend(text.lines().skip(1).filter_map(parse_socket));
    }
    all
}

/// One row: `sl local_address rem_address st tx:rx tr:when retrnsmt uid timeout inode ref pointer drops`.
fn parse_socket(line: &str) -> Option<Socket> {
    let fields: Vec<&str> = line.split_whitespace().collect();
    let port = u16::from_str_radix(fields.get(1)?.rsplit_once(':')?.1, 16).ok()?;
    let inode = fields.get(9)?.parse().ok()?;
    let drops = fields.last()?.parse().ok()?;
    Some(Socket { inode, port, drops })
}

/// Inodes of the sockets process `pid` (or `self`) has open.
fn socket_inodes(pid: &str) -> Option<HashSet<u64>> {
    let fds = std::fs::read_dir(format!("/proc/{pid}/fd")).ok()?;
    let inode = |link: std::path::PathBuf| link.to_str()?.strip_prefix("socket:[")?.strip_suffix(']')?.parse().ok();
    Some(fds.flatten().filter_map(|fd| std::fs::read_link(fd.path()).ok()).filter_map(inode).collect())
}

/// `RcvbufErrors` and `SndbufErrors` of the `Udp:` lines of `/proc/net/snmp`.
fn snmp() -> (Option<u64>, Option<u64>) {
    let Ok(text) = std::fs::read_to_string("/proc/net/snmp") else { return (None, None) };
    let mut udp = text.lines().filter(|l| l.starts_with("Udp:"));
    let (Some(names), Some(values)) = (udp.next(), udp.next()) else { return (None, None) };
    let value = |name: &str| {
        let at = names.split_whitespace().position(|n| n == name)?;
        values.split_whitespace().nth(at)?.parse().ok()
    };
    (value("RcvbufErrors"), value("SndbufErrors"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_socket_row_gives_its_port_inode_and_drops() {
        let row = "  263: 0100007F:A1B2 00000000:0000 07 00000000:00000000 00:00000000 00000000     0        0 48213 2 0000000000000000 17";
        let socket = parse_socket(row).expect("parses");
        assert_eq!((socket.port, socket.inode, socket.drops), (0xa1b2, 48213, 17));
    }

    #[test]
    fn a_socket_of_this_process_is_counted_as_a_client() {
        let _socket = std::net::UdpSocket::bind("127.0.0.1:0").expect("bind");
        let drops = Drops::read(None, Some(1));
        assert_eq!(drops.server, Some(0), "no socket of this process is on port 1");
        assert!(drops.clients.is_some());
        assert!(socket_inodes("self").is_some_and(|s| !s.is_empty()));
        let none = drops.since(drops);
        assert_eq!((none.server, none.clients), (Some(0), Some(0)));
    }
}
