//! Files in Accord: the bytes of attachments, guild icons, user avatars and emoji, read from
//! uploads, checked and kept in blob storage. A library the services that take files share
//! (chat, guilds, users) and the media service serves from (`accord-media`).
//!
//! Nothing a client says about a file is trusted: its type is sniffed from the bytes, its name
//! is sanitized, and an image's declared dimensions are checked before anything decodes it.
//!
//! # Parts
//!
//! - [`limits`]: [`UploadLimits`], the caps on one upload.
//! - [`upload`]: [`MessageBody`], the JSON or multipart body of a message with its files.
//! - [`sniff`]: content types from magic bytes; which are shown inline.
//! - [`image`]: image dimensions from the header alone.
//! - [`filename`]: upload names made safe for keys, URLs and headers.
//! - [`keys`]: where attachments, icons, avatars and emoji live in blob storage.
//! - [`data_uri`]: avatars and icons given as `data:` URIs; their content hash.
//! - [`error`]: [`MediaError`] and its rows in the code table.

pub mod data_uri;
pub mod error;
pub mod filename;
pub mod image;
pub mod keys;
pub mod limits;
pub mod sniff;
pub mod upload;

pub use data_uri::{MAX_IMAGE_BODY_BYTES, MAX_IMAGE_BYTES, image_hash, parse_image_data_uri, store_image};
pub use error::MediaError;
pub use limits::UploadLimits;
pub use upload::{FileSink, MessageBody, UploadedFile};
