//! Assessment of Datavakt's findings: which policy zone an item lies in. Pure: no I/O; the
//! binary reads the policy file and hands over its text.

#![warn(missing_docs)]

pub mod policy;

pub use policy::{Holds, Policy, PolicyError, Zone};
