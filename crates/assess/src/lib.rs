//! Assessment of Datavakt's findings: which policy zone an item lies in, and the facts about
//! an item that its severity will be judged from. Pure: no I/O; the binary reads the policy
//! file and gathers each item's findings and exposure into [`ItemFacts`].

#![warn(missing_docs)]

mod facts;
pub mod policy;

pub use facts::{Audience, Counts, ItemFacts, Transport, IDENTITY_KINDS};
pub use policy::{Holds, Policy, PolicyError, Zone};
