//! The bare HTTP server: axum on a runtime of [`WORKERS`] threads named [`THREADS`] (so its CPU
//! time is read apart from the clients'), serving Accord's history route on 127.0.0.1:0 from
//! one [`Source`]. Like Accord it uses `axum::serve` on a plain listener; unlike Accord it
//! checks no token, keeps no rate limit and logs nothing. No Accord code runs here.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use axum::Router;
use axum::body::Bytes;
use axum::extract::{FromRequestParts, Path, Query, State};
use axum::http::request::Parts;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use serde::Deserialize;
use tokio::net::TcpListener;
use tokio::sync::oneshot;

use super::pages::Connections;

/// The name (and `/proc` comm prefix) of the server's threads, its SQLite connections' too.
pub const THREADS: &str = "limits-http";
/// Worker threads of the server's runtime: the machine's two cores.
pub const WORKERS: usize = 2;
/// Accord's history route.
const ROUTE: &str = "/api/v10/channels/{channel}/messages";
/// The page size Accord answers when `limit` is not given, and the most it allows.
const DEFAULT_LIMIT: u32 = 50;
const MAX_LIMIT: u32 = 100;
/// The `sqlite` source's statements: the page's rows as one text, as Accord's store reads a page
/// (one row, one hand-off from sqlx's thread), of rows already rendered and joined as they
/// are, so no per-message work is left at all.
pub(super) const NEWEST: &str = "SELECT '[' || coalesce(group_concat(body, ','), '') || ']' FROM \
    (SELECT body FROM pages WHERE channel_id = ? ORDER BY id DESC LIMIT ?)";
pub(super) const BEFORE: &str = "SELECT '[' || coalesce(group_concat(body, ','), '') || ']' FROM \
    (SELECT body FROM pages WHERE channel_id = ? AND id < ? ORDER BY id DESC LIMIT ?)";

/// Where the pages come from.
#[derive(Clone)]
pub enum Source {
    /// One page serialised before the run, answered as a clone of the same bytes: what HTTP
    /// alone costs. It is the newest page of `limit` messages, so it answers only requests for
    /// that (anything else is a 400, which the readers count as an error).
    Static { page: Bytes, limit: u32 },
    /// One statement per request on one of a few SQLite connections.
    Sqlite(Arc<Connections>),
    /// The same statements on the runtime thread that handles the request, through rusqlite.
    SqliteInline(Arc<std::path::PathBuf>),
}

/// The history route's query.
#[derive(Debug, Deserialize)]
struct PageQuery {
    limit: Option<u32>,
    before: Option<u64>,
}

/// A running server.
pub struct Server {
    pub addr: SocketAddr,
    /// Ends serving: axum stops accepting and closes each connection after its request.
    stop: oneshot::Sender<()>,
    /// Sent when the server's thread has shut its runtime down.
    done: oneshot::Receiver<anyhow::Result<()>>,
}

impl Server {
    /// Starts the server's thread and runtime, serving `source`.
    pub fn start(source: Source) -> anyhow::Result<Self> {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").context("binding 127.0.0.1:0")?;
        listener.set_nonblocking(true)?;
        let addr = listener.local_addr()?;
        let (stop, stopped) = oneshot::channel::<()>();
        let done = crate::limits::own_runtime::spawn(THREADS, WORKERS, move || async move {
            let listener = TcpListener::from_std(listener)?;
            let until_stopped = async {
                let _ = stopped.await;
            };
            let served = axum::serve(listener, router(source)).with_graceful_shutdown(until_stopped).await;
            served.context("serving HTTP")
        })?;
        Ok(Self { addr, stop, done })
    }

    /// `http://ADDR/api/v10/channels/{channel}/messages`
    pub fn messages_url(&self, channel: u64) -> String {
        format!("http://{}{}", self.addr, ROUTE.replace("{channel}", &channel.to_string()))
    }

    /// Stops serving and the server's runtime, waiting at most `wait`.
    pub async fn stop(self, wait: Duration) -> anyhow::Result<()> {
        let _ = self.stop.send(());
        let done = tokio::time::timeout(wait, self.done).await.context("the server did not stop")?;
        done.context("the server thread ended without a result")?
    }
}

/// The server's CPU time (its runtime's threads and its SQLite connections'), nanoseconds.
pub fn cpu_ns() -> Option<u64> {
    crate::cpu::threads_cpu_ns(THREADS)
}

fn router(source: Source) -> Router {
    match source {
        Source::Static { page, limit } => Router::new().route(ROUTE, get(static_page)).with_state((page, limit)),
        Source::Sqlite(connections) => Router::new().route(ROUTE, get(sqlite_page)).with_state(connections),
        Source::SqliteInline(path) => Router::new().route(ROUTE, get(inline_page)).with_state(path),
    }
}

/// `GET /channels/{channel.id}/messages` from the `static` source: the one page, if asked for.
async fn static_page(
    State((page, limit)): State<(Bytes, u32)>,
    Path(_channel): Path<u64>,
    Query(query): Query<PageQuery>,
) -> Response {
    if query.before.is_some() || query.limit.unwrap_or(DEFAULT_LIMIT) != limit {
        return (StatusCode::BAD_REQUEST, "the static source holds only the newest page").into_response();
    }
    json(page)
}

/// `GET /channels/{channel.id}/messages` from the `sqlite` source: one statement, its one text
/// value answered as it is.
async fn sqlite_page(State(connections): State<Arc<Connections>>, request: PageRequest) -> Response {
    let PageRequest { channel, before, limit } = request;
    let mut connection = connections.next().await;
    let page = match before {
        Some(before) => {
            sqlx::query_scalar(BEFORE).bind(channel).bind(before).bind(limit).fetch_one(&mut *connection).await
        }
        None => sqlx::query_scalar(NEWEST).bind(channel).bind(limit).fetch_one(&mut *connection).await,
    };
    answer(page)
}

/// `GET /channels/{channel.id}/messages` from the `sqlite-inline` source.
async fn inline_page(State(path): State<Arc<std::path::PathBuf>>, request: PageRequest) -> Response {
    answer(super::inline::page(&path, request.channel, request.before, request.limit))
}

/// A history request the database sources answer: the channel, `before` and `limit` as their
/// statements take them.
struct PageRequest {
    channel: i64,
    before: Option<i64>,
    limit: u32,
}

impl<S: Send + Sync> FromRequestParts<S> for PageRequest {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Response> {
        let Path(channel) = Path::<u64>::from_request_parts(parts, state).await.map_err(|e| e.into_response())?;
        let Query(query) = Query::<PageQuery>::from_request_parts(parts, state).await.map_err(|e| e.into_response())?;
        let limit = query.limit.unwrap_or(DEFAULT_LIMIT);
        if !(1..=MAX_LIMIT).contains(&limit) {
            return Err((StatusCode::BAD_REQUEST, "limit must be 1 to 100").into_response());
        }
        // Ids above SQLite's integers name no row: no channel, or a point after every message.
        let id = |id: u64| i64::try_from(id).unwrap_or(i64::MAX);
        Ok(Self { channel: id(channel), before: query.before.map(id), limit })
    }
}

/// The page a source read, or a 500 saying why it could not.
fn answer<E: std::fmt::Display>(page: Result<String, E>) -> Response {
    match page {
        Ok(page) => json(page),
        Err(e) => (StatusCode::INTERNAL_SERVER_ERROR, e.to_string()).into_response(),
    }
}

/// A 200 of JSON text.
fn json<B: Into<axum::body::Body>>(body: B) -> Response {
    ([(header::CONTENT_TYPE, "application/json")], body.into()).into_response()
}
