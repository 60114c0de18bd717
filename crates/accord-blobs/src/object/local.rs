//! The local-disk backend: a directory, made if missing, with every write synced to disk.

use std::path::Path;
use std::sync::Arc;

use object_store::ObjectStore;
use object_store::local::LocalFileSystem;

use crate::{BlobError, BlobResult};

/// A store rooted at `dir`. Writes go to a temporary file that is synced and renamed into
/// place (an acknowledged blob survives a crash); deleting the last blob of a directory
/// removes the directory.
pub(crate) fn open(dir: &Path) -> BlobResult<Arc<dyn ObjectStore>> {
    std::fs::create_dir_all(dir)
        .map_err(|e| BlobError::Internal(format!("creating blob directory {}: {e}", dir.display())))?;
    let store = LocalFileSystem::new_with_prefix(dir)
        .map_err(|e| BlobError::Internal(format!("opening blob directory {}: {e}", dir.display())))?
        .with_fsync(true)
        .with_automatic_cleanup(true);
    Ok(Arc::new(store))
}
