//! `--state PATH`: the pools survive a restart. After every change the whole
//! state is written to `PATH.tmp`, flushed, and renamed over `PATH`, so a
//! `kill -9` at any moment leaves either the old file or the new one: at
//! most the request in flight is lost. `PATH.lock` is held while the
//! emulator runs, so a second emulator on the same file refuses to start.

use crate::pool::PoolSnapshot;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::collections::BTreeMap;
use std::fs::{File, OpenOptions, TryLockError};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

const FORMAT_VERSION: u32 = 1;

#[derive(Debug, thiserror::Error)]
pub enum StateError {
    #[error("cannot open the state file {path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("the state file {path} is in use by another emulator (it holds {lock}); stop it or pick another --state")]
    InUse { path: PathBuf, lock: PathBuf },
    #[error("the state file {path} is unreadable: {reason}; it was left as it is: fix it, move it away, or pick another --state")]
    Corrupt { path: PathBuf, reason: String },
}

#[derive(Serialize, Deserialize)]
struct StateFile {
    version: u32,
    pools: BTreeMap<String, Value>,
}

/// The state file of one running emulator.
pub(crate) struct Journal {
    path: PathBuf,
    /// Held (locked) for as long as the emulator runs.
    _lock: File,
    /// Every pool's latest snapshot, written out whole.
    pools: Mutex<BTreeMap<String, Value>>,
}

impl Journal {
    /// Locks and reads `path` (absent: an empty state); the snapshots it holds, by pool id.
    pub(crate) fn open(path: &Path) -> Result<(Self, BTreeMap<String, PoolSnapshot>), StateError> {
        let io = |source| StateError::Io {
            path: path.to_owned(),
            source,
        };
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(io)?;
        }
        let lock_path = sidecar(path, "lock");
        let lock = OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&lock_path)
            .map_err(io)?;
        match lock.try_lock() {
            Ok(()) => {}
            Err(TryLockError::WouldBlock) => {
                return Err(StateError::InUse {
                    path: path.to_owned(),
                    lock: lock_path,
                })
            }
            Err(TryLockError::Error(e)) => return Err(io(e)),
        }
        let corrupt = |reason: String| StateError::Corrupt {
            path: path.to_owned(),
            reason,
        };
        let raw = match std::fs::read(path) {
            Ok(bytes) => {
                let file: StateFile =
                    serde_json::from_slice(&bytes).map_err(|e| corrupt(e.to_string()))?;
                if file.version != FORMAT_VERSION {
                    return Err(corrupt(format!(
                        "format version {} (this emulator reads {FORMAT_VERSION})",
                        file.version
                    )));
                }
                file.pools
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => BTreeMap::new(),
            Err(e) => return Err(io(e)),
        };
        let mut snapshots = BTreeMap::new();
        for (id, value) in &raw {
            let snapshot = serde_json::from_value(value.clone())
                .map_err(|e| corrupt(format!("pool {id}: {e}")))?;
            snapshots.insert(id.clone(), snapshot);
        }
        let journal = Self {
            path: path.to_owned(),
            _lock: lock,
            pools: Mutex::new(raw),
        };
        Ok((journal, snapshots))
    }

    /// Replaces one pool's snapshot and writes the whole state atomically.
    pub(crate) fn save(&self, pool_id: &str, snapshot: &PoolSnapshot) -> std::io::Result<()> {
        let value = serde_json::to_value(snapshot)?;
        let mut pools = self.pools.lock().unwrap_or_else(|e| e.into_inner());
        pools.insert(pool_id.to_owned(), value);
        self.write(&pools)
    }

    /// Writes every pool's snapshot atomically (the pools lock held by the caller).
    fn write(&self, pools: &BTreeMap<String, Value>) -> std::io::Result<()> {
        let bytes = serde_json::to_vec(&StateFile {
            version: FORMAT_VERSION,
            pools: pools.clone(),
        })?;
        let tmp = sidecar(&self.path, "tmp");
        let mut file = File::create(&tmp)?;
        file.write_all(&bytes)?;
        file.sync_all()?;
        std::fs::rename(&tmp, &self.path)?;
        // The rename itself must reach the disk too.
        if let Some(dir) = self.path.parent().filter(|d| !d.as_os_str().is_empty()) {
            File::open(dir)?.sync_all()?;
        }
        Ok(())
    }
}

impl Journal {
    /// Drops a deleted pool's snapshot and writes the state.
    pub(crate) fn forget(&self, pool_id: &str) -> std::io::Result<()> {
        let mut pools = self.pools.lock().unwrap_or_else(|e| e.into_inner());
        pools.remove(pool_id);
        self.write(&pools)
    }
}

/// `PATH.ext` beside `PATH`.
fn sidecar(path: &Path, ext: &str) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(".");
    name.push(ext);
    PathBuf::from(name)
}
