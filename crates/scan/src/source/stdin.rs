//! Standard input (`datavakt scan -`): one item, read once, never remembered.

use super::{Body, End, Item, Locator, Scanners, Source};

/// Standard input.
pub struct Stdin;

impl Source for Stdin {
    fn roots(&self) -> Vec<Locator> {
        Vec::new()
    }

    fn walk(&self, scanner: &Scanners<'_>) -> Vec<End> {
        let body = Body::Stream(Box::new(std::io::stdin()));
        scanner().item(Item::new(Locator::Stdin, body));
        Vec::new()
    }
}
