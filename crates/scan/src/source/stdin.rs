//! Standard input (`datavakt scan -`): one item, read once, never remembered.

use super::{Body, End, Item, Locator, Scanner, Source};

/// Standard input.
pub struct Stdin;

impl Source for Stdin {
    fn roots(&self) -> Vec<Locator> {
        Vec::new()
    }

    fn walk<'s>(&self, scanner: &(dyn Fn() -> Scanner<'s> + Sync)) -> Vec<End> {
        let body = Body::Stream(Box::new(std::io::stdin()));
        scanner().item(Item::new(Locator::Stdin, body));
        Vec::new()
    }
}
