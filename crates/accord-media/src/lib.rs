//! The media service of Accord: the bytes of attachments, guild icons and user avatars, read
//! from uploads, checked, kept in blob storage and served back as Discord's CDN serves them.
//!
//! Nothing a client says about a file is trusted: its type is sniffed from the bytes, its name
//! is sanitized, an image's declared dimensions are checked before anything decodes it, and
//! every response is served so that a browser will not run it as a page.
//!
//! # Parts
//!
//! - [`limits`]: [`UploadLimits`], the caps on one upload.
//! - [`upload`]: [`MessageBody`], the JSON or multipart body of a message with its files.
//! - [`sniff`]: content types from magic bytes; which are shown inline.
//! - [`image`]: image dimensions from the header alone.
//! - [`filename`]: upload names made safe for keys, URLs and headers.
//! - [`keys`]: where attachments, icons and avatars live in blob storage.
//! - [`data_uri`]: avatars and icons given as `data:` URIs; their content hash.
//! - [`serve`]: the public `GET /attachments/...`, `/icons/...` and `/avatars/...` routes.
//! - [`error`]: [`MediaError`] and its rows in the code table.

pub mod data_uri;
pub mod error;
pub mod filename;
pub mod image;
pub mod keys;
pub mod limits;
pub mod serve;
pub mod sniff;
pub mod upload;

pub use data_uri::{MAX_IMAGE_BODY_BYTES, MAX_IMAGE_BYTES, image_hash, parse_image_data_uri, store_image};
pub use error::MediaError;
pub use limits::UploadLimits;
pub use serve::router;
pub use upload::{FileSink, MessageBody, UploadedFile};
