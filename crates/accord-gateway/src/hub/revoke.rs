//! SESSIONS_REVOKED: login sessions ended (logout, a password change or reset, a session
//! signed out from another device, account deletion). It is internal: instead of being
//! dispatched, it closes this node's gateway sessions that those logins identified, with
//! 4004 (Authentication failed), so a stolen or signed-out token keeps no live connection.

use std::sync::Arc;

use accord_store::EventDraft;
use accord_store::security::SessionsRevoked;

use super::Hub;
use crate::session::Session;

impl Hub {
    pub(super) fn sessions_revoked(&mut self, event: &EventDraft, wants: &dyn Fn(&Arc<Session>) -> bool) {
        let revoked = match serde_json::from_str::<SessionsRevoked>(&event.data) {
            Ok(revoked) => revoked.session_ids,
            Err(error) => {
                tracing::error!(%error, event_id = %event.id, "unreadable SESSIONS_REVOKED event");
                return;
            }
        };
        for user in &event.user_ids {
            for session in self.by_user.get(user).into_iter().flatten() {
                let login = session.identity.auth_session;
                if login.is_some_and(|login| revoked.contains(&login)) && wants(session) {
                    tracing::info!(session_id = %session.identity.session_id, user_id = %user, "login revoked; closing 4004");
                    session.revoke();
                }
            }
        }
    }
}
