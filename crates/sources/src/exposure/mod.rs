//! Exposure: who can read a local file.
//!
//! A file is as exposed as the narrowest of two things: who may read the file itself (its mode
//! bits, or its POSIX access ACL), and who may search every folder above it (x permission, by
//! mode or ACL), since opening a path needs both. The answer is an [`Audience`] with the
//! principals that make it up and a short explanation (`via`).
//!
//! The judgement is an upper bound, as a reviewer wants it: it asks who *could* read, so the
//! owner always counts (an owner may `chmod` their own file), root is never named (it reads
//! everything), and the exclusions of POSIX (a group class denied while others are allowed) are
//! not subtracted from "everyone".
//!
//! [`Local`] caches, per thread, each folder's own verdict and each parent's chain of folders,
//! so a scan that visits thousands of files in the same folders stats each folder once.
//!
//! The parts: `local.rs` ([`Local`]: the caches, and what the file system says of a file and
//! its folders), `verdict.rs` (who may read or search an object, and the verdict for a file
//! under its folders: pure), `acl.rs` (reading and parsing POSIX access ACLs) and
//! `accounts.rs` (group members and sizes from the local account files, names of ids).

mod accounts;
mod acl;
mod local;
mod verdict;

pub use local::Local;

/// How wide the circle of possible readers is, widest first.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Audience {
    /// Anyone, without an account (a public link or web share; never the answer for a local
    /// file, kept so that every source shares one scale).
    Public,
    /// Everyone with an account on the system: others may read the file and search every
    /// folder above it.
    Organisation,
    /// Named groups or users besides the owner.
    Group,
    /// Only the owner (and root).
    Owner,
    /// Could not tell; `via` says why.
    Unknown,
}

impl Audience {
    /// The name used in output (`"public"`, `"organisation"`, `"group"`, `"owner"`,
    /// `"unknown"`).
    pub fn name(&self) -> &'static str {
        match self {
            Audience::Public => "public",
            Audience::Organisation => "organisation",
            Audience::Group => "group",
            Audience::Owner => "owner",
            Audience::Unknown => "unknown",
        }
    }
}

/// Who can read an item, and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Exposure {
    /// How wide the circle of readers is.
    pub audience: Audience,
    /// A short human explanation, such as `mode 0644, every folder above searchable by all`
    /// or `mode 0644; folder /srv/hr (0750) limits it to group hr (3 members)`.
    pub via: String,
    /// Who the readers are: `group:NAME` and `user:NAME` for `group`, the owner as
    /// `user:NAME` for `owner`, empty for `organisation` (everyone) and `unknown`. An id
    /// without a name is written `gid:N` or `uid:N`.
    pub principals: Vec<String>,
    /// How many people can read it, at most, where that can be known: for `group`, the
    /// members of its groups (local accounts) and the users named; `None` otherwise.
    pub size: Option<u32>,
    /// How the item was reached: always `"local"` here.
    pub transport: &'static str,
}

impl Exposure {
    fn unknown(via: String) -> Exposure {
        Exposure {
            audience: Audience::Unknown,
            via,
            principals: vec![],
            size: None,
            transport: "local",
        }
    }
}
fn io_text(e: &std::io::Error) -> String {
    crate::describe_io(e)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn audience_names() {
        let all = [
            Audience::Public,
            Audience::Organisation,
            Audience::Group,
            Audience::Owner,
            Audience::Unknown,
        ];
        let n: Vec<&str> = all.iter().map(|a| a.name()).collect();
        assert_eq!(n, ["public", "organisation", "group", "owner", "unknown"]);
    }
}
