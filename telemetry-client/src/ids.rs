//! Identifiers: random install and session ids, and the salted project id.

use std::path::Path;

use sha2::{Digest, Sha256};
use telemetry_schema::{AnonymousId, ProjectId};

/// 32 random bytes, stored next to the install id and never sent: the salt of the project id.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) struct Salt(pub(crate) [u8; 32]);

impl std::fmt::Debug for Salt {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The salt is a local secret: keep it out of logs.
        f.write_str("Salt(..)")
    }
}

/// Fills a buffer from the operating system's random source; `None` if the OS refuses.
pub(crate) fn random<const N: usize>() -> Option<[u8; N]> {
    let mut bytes = [0u8; N];
    getrandom::fill(&mut bytes).ok()?;
    Some(bytes)
}

pub(crate) fn random_id() -> Option<AnonymousId> {
    random::<16>().map(AnonymousId::from_random_bytes)
}

pub(crate) fn random_salt() -> Option<Salt> {
    random::<32>().map(Salt)
}

/// The project id: SHA-256 over the local salt and the bytes of the project root. Without the salt, hashing
/// guessed paths finds nothing.
pub(crate) fn project_id(salt: &Salt, project_root: &Path) -> ProjectId {
    let mut hasher = Sha256::new();
    hasher.update(b"telemetry-project-id\0");
    hasher.update(salt.0);
    hasher.update(project_root.as_os_str().as_encoded_bytes());
    ProjectId::from_salted_digest(hasher.finalize().into())
}

/// A short digest used as a throttle key; the payload itself is never stored.
pub(crate) fn digest_hex(parts: &[&[u8]]) -> String {
    let mut hasher = Sha256::new();
    for part in parts {
        hasher.update((part.len() as u64).to_le_bytes());
        hasher.update(part);
    }
    let digest: [u8; 32] = hasher.finalize().into();
    telemetry_schema::hex::encode(&digest[..16])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn project_id_depends_on_the_salt_and_the_path() {
        let (a, b) = (Salt([1; 32]), Salt([2; 32]));
        let root = Path::new("/home/jane/acme-shop");
        assert_eq!(project_id(&a, root), project_id(&a, root));
        assert_ne!(project_id(&a, root), project_id(&b, root));
        assert_ne!(project_id(&a, root), project_id(&a, Path::new("/home/jane/other")));
        // Not the unsalted hash of the path.
        let unsalted: [u8; 32] = Sha256::digest(root.as_os_str().as_encoded_bytes()).into();
        assert_ne!(project_id(&a, root), ProjectId::from_salted_digest(unsalted));
    }

    #[test]
    fn random_ids_differ() {
        assert_ne!(random_id(), random_id());
    }
}
