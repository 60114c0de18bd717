//! The public media routes, mounted at the site root (not under `/api`), as Discord's CDN has
//! them. Every response is hardened against being a page: the sniffed type with `nosniff`, a
//! `sandbox` CSP, and a download disposition for anything but images, video and audio.
//!
//! Content never changes under its URL (attachments are keyed by id, icons and avatars by
//! content hash), so responses are cacheable for a year.

use accord_blobs::{BlobHandle, BlobKey, BlobStore};
use accord_core::Snowflake;
use accord_service::ApiError;
use axum::Router;
use axum::extract::rejection::PathRejection;
use axum::extract::{Path, State};
use axum::http::header::{CACHE_CONTROL, CONTENT_DISPOSITION, CONTENT_SECURITY_POLICY, CONTENT_TYPE};
use axum::http::{HeaderName, HeaderValue};
use axum::response::{IntoResponse, Response};
use axum::routing::get;

use accord_files::error::MediaError;
use accord_files::{filename, keys, sniff};

/// Content is immutable under its key.
const CACHE: &str = "public, max-age=31536000, immutable";

/// Extensions an icon or avatar may be asked for; all name the same stored image (no
/// conversion is done, the stored type is what is sent).
const IMAGE_EXTENSIONS: &[&str] = &["png", "jpg", "jpeg", "gif", "webp"];

/// `GET` (and `HEAD`) `/attachments/{channel_id}/{attachment_id}/{filename}`,
/// `/icons/{guild_id}/{hash}.{ext}`, `/channel-icons/{channel_id}/{hash}.{ext}`, `/banners/{user_id}/{hash}.{ext}`, `/avatars/{user_id}/{hash}.{ext}` and
/// `/emojis/{emoji_id}.{ext}`. Anything that does
/// not name a stored blob exactly is 404; blob storage down is 503.
pub fn router(blobs: BlobHandle) -> Router {
    Router::new()
        .route("/attachments/{channel_id}/{attachment_id}/{filename}", get(attachment))
        .route("/icons/{guild_id}/{file}", get(icon))
        .route("/channel-icons/{channel_id}/{file}", get(channel_icon))
        .route("/avatars/{user_id}/{file}", get(avatar))
        .route("/banners/{user_id}/{file}", get(banner))
        .route("/emojis/{file}", get(emoji))
        .with_state(blobs)
}

/// `GET /attachments/{channel_id}/{attachment_id}/{filename}`
async fn attachment(
    State(blobs): State<BlobHandle>,
    path: Result<Path<(String, String, String)>, PathRejection>,
) -> Result<Response, ApiError> {
    let Ok(Path((channel, attachment, name))) = path else {
        return Err(not_found());
    };
    let (Ok(channel), Ok(attachment)) = (channel.parse::<Snowflake>(), attachment.parse::<Snowflake>()) else {
        return Err(not_found());
    };
    // Only the stored (sanitized) spelling names the file, so one blob has one URL.
    if !filename::is_sanitized(&name) {
        return Err(not_found());
    }
    serve(&*blobs, &keys::attachment(channel, attachment, &name), &name).await
}

/// `GET /icons/{guild_id}/{hash}.{ext}`
async fn icon(
    State(blobs): State<BlobHandle>,
    path: Result<Path<(String, String)>, PathRejection>,
) -> Result<Response, ApiError> {
    let (guild, hash, file) = hashed_image(path)?;
    serve(&*blobs, &keys::icon(guild, hash.as_str()), &file).await
}

/// `GET /channel-icons/{channel_id}/{hash}.{ext}`
async fn channel_icon(
    State(blobs): State<BlobHandle>,
    path: Result<Path<(String, String)>, PathRejection>,
) -> Result<Response, ApiError> {
    let (channel, hash, file) = hashed_image(path)?;
    serve(&*blobs, &keys::channel_icon(channel, hash.as_str()), &file).await
}

/// `GET /avatars/{user_id}/{hash}.{ext}`
async fn avatar(
    State(blobs): State<BlobHandle>,
    path: Result<Path<(String, String)>, PathRejection>,
) -> Result<Response, ApiError> {
    let (user, hash, file) = hashed_image(path)?;
    serve(&*blobs, &keys::avatar(user, hash.as_str()), &file).await
}

/// `GET /banners/{user_id}/{hash}.{ext}`
async fn banner(
    State(blobs): State<BlobHandle>,
    path: Result<Path<(String, String)>, PathRejection>,
) -> Result<Response, ApiError> {
    let (user, hash, file) = hashed_image(path)?;
    serve(&*blobs, &keys::banner(user, hash.as_str()), &file).await
}

/// `GET /emojis/{emoji_id}.{ext}`
async fn emoji(
    State(blobs): State<BlobHandle>,
    path: Result<Path<String>, PathRejection>,
) -> Result<Response, ApiError> {
    let Ok(Path(file)) = path else { return Err(not_found()) };
    let (id, ext) = file.split_once('.').ok_or_else(not_found)?;
    let id = id.parse::<Snowflake>().map_err(|_| not_found())?;
    if !IMAGE_EXTENSIONS.contains(&ext) {
        return Err(not_found());
    }
    serve(&*blobs, &keys::emoji(id), &file).await
}

/// The owner id, the 32-hex hash and the requested file name of an icon or avatar URL.
fn hashed_image(path: Result<Path<(String, String)>, PathRejection>) -> Result<(Snowflake, String, String), ApiError> {
    let Ok(Path((owner, file))) = path else {
        return Err(not_found());
    };
    let owner = owner.parse::<Snowflake>().map_err(|_| not_found())?;
    let (hash, ext) = file.split_once('.').ok_or_else(not_found)?;
    let is_hash = hash.len() == 32 && hash.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'));
    if !is_hash || !IMAGE_EXTENSIONS.contains(&ext) {
        return Err(not_found());
    }
    Ok((owner, hash.to_owned(), file))
}

/// The blob under `key` as a download-safe response named `name` (already header-safe).
async fn serve(blobs: &dyn BlobStore, key: &BlobKey, name: &str) -> Result<Response, ApiError> {
    let blob = blobs.get(key).await.map_err(MediaError::from)?;
    // Blobs are stored with sniffed types; anything else (a blob put there by other means)
    // is sent as an opaque download rather than trusted.
    let content_type = sniff::known(&blob.content_type).unwrap_or(sniff::OCTET_STREAM);
    let disposition = if sniff::is_inline_safe(content_type) { "inline" } else { "attachment" };
    let headers = [
        (CONTENT_TYPE, HeaderValue::from_static(content_type)),
        (HeaderName::from_static("x-content-type-options"), HeaderValue::from_static("nosniff")),
        (CONTENT_SECURITY_POLICY, HeaderValue::from_static("sandbox")),
        (CONTENT_DISPOSITION, content_disposition(disposition, name)),
        (CACHE_CONTROL, HeaderValue::from_static(CACHE)),
    ];
    Ok((headers, blob.bytes).into_response())
}

/// `{disposition}; filename="{name}"`; sanitized names need no quoting, and a name that somehow
/// is not header-safe is dropped rather than sent.
fn content_disposition(disposition: &'static str, name: &str) -> HeaderValue {
    HeaderValue::from_str(&format!("{disposition}; filename=\"{name}\""))
        .unwrap_or_else(|_| HeaderValue::from_static(disposition))
}

fn not_found() -> ApiError {
    ApiError::new(&accord_core::code::NOT_FOUND)
}
