//! Authentication of every request. `Authorization: Bot <t>` is a bot token; `Bearer <t>` or
//! a bare token is a user's access token, valid only while its session is live. A request
//! without the header goes on anonymously (routes that need a caller answer 401); a header
//! that does not authenticate is 401 at once.

use accord_service::{ApiError, ServiceContext};
use axum::extract::{Request, State};
use axum::http::header::AUTHORIZATION;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

pub async fn authenticate(State(ctx): State<ServiceContext>, mut req: Request, next: Next) -> Response {
    let Some(header) = req.headers().get(AUTHORIZATION) else {
        return next.run(req).await;
    };
    let principal = match header.to_str() {
        Ok(value) if value.len() <= 4096 => accord_service::principal::authenticate(&ctx, value.trim()).await,
        _ => Err(ApiError::unauthorized()),
    };
    match principal {
        Ok(p) => {
            req.extensions_mut().insert(p);
            next.run(req).await
        }
        Err(e) => e.into_response(),
    }
}
