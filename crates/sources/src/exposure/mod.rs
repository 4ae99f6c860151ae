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

pub use accounts::user_name;
pub use local::Local;

/// Who can read an item, and why: the model's types, shared with the output. Here
/// `transport` is always [`Transport::Local`] and `listed_by` always `None`.
pub use model::{Audience, Exposure, Transport};

/// A local file whose exposure could not be judged, and why.
fn unknown(via: String) -> Exposure {
    Exposure::unknown(via, Transport::Local)
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
