//! Moderation: bans, timeouts, kicks with the role hierarchy, and the audit log.

mod audit_log;
mod bans;
