//! The media service of Accord: the files of attachments, guild icons, user avatars and emoji,
//! served from blob storage as Discord's CDN serves them, so that a browser never runs one as a
//! page. Reading and checking uploads is `accord-files`, shared with the services that take
//! them.
//!
//! Parts: [`serve`], the public `GET /attachments/...`, `/icons/...`, `/avatars/...` and
//! `/emojis/...` routes.

pub mod serve;

pub use serve::router;
