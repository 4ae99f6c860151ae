//! Compositions: rules whose parts are other rules and built-in kinds (`all_of`, `any_of`,
//! `none_of`, optionally `within` N bytes). Checked and resolved when the file is compiled
//! (unknown ids, cycles), decided per document from its remembered parts.

use std::collections::{HashMap, HashSet};
use std::ops::Range;

use toml::Spanned;

use super::compile::How;
use super::schema::{RawRule, Words};
use super::*;

/// A part of a composition: another rule, by its index, or a built-in kind.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Ref {
    Rule(usize),
    Builtin(&'static str),
}

impl Ref {
    fn name<'a>(&self, rules: &'a [Rule]) -> &'a str {
        match *self {
            Ref::Rule(i) => &rules[i].id,
            Ref::Builtin(k) => k,
        }
    }
}

/// The parts of a composition, resolved.
#[derive(Debug)]
pub(super) struct Parts {
    pub(super) all_of: Vec<Ref>,
    pub(super) any_of: Vec<Ref>,
    pub(super) none_of: Vec<Ref>,
    pub(super) within: Option<usize>,
}

/// Where a part of a composition stands: whole range and value range.
#[derive(Clone, Copy, Debug)]
struct Occurrence {
    start: usize,
    end: usize,
    value_start: usize,
    value_end: usize,
}

impl Rules {
    /// Composite rules over one document, given its regex and word matches (from
    /// [`Rules::matches`]) and its built-in findings as (kind name, start, end). Compositions
    /// may build on each other; only the composite matches are added to `out`.
    pub fn compose(
        &self,
        primitive: &[RuleMatch],
        builtin: &[(&str, usize, usize)],
        out: &mut Vec<RuleMatch>,
    ) {
        if self.order.is_empty() {
            return;
        }
        let mut by_rule: Vec<Vec<Occurrence>> = vec![vec![]; self.rules.len()];
        for m in primitive {
            if let Some(list) = by_rule.get_mut(m.rule) {
                if !self.rules[m.rule].is_composite() {
                    list.push(Occurrence {
                        start: m.start,
                        end: m.end,
                        value_start: m.value_start,
                        value_end: m.value_end,
                    });
                }
            }
        }
        let mut by_kind: HashMap<&str, Vec<Occurrence>> = HashMap::new();
        for &(k, s, e) in builtin {
            by_kind.entry(k).or_default().push(Occurrence {
                start: s,
                end: e,
                value_start: s,
                value_end: e,
            });
        }
        let none: Vec<Occurrence> = vec![];
        for &i in &self.order {
            let How::Composite(parts) = &self.compiled[i].how else {
                continue;
            };
            let found = {
                let of = |r: &Ref| -> &[Occurrence] {
                    match *r {
                        Ref::Rule(j) => &by_rule[j],
                        Ref::Builtin(k) => by_kind.get(k).unwrap_or(&none),
                    }
                };
                self.compose_one(i, parts, &of)
            };
            for m in found {
                by_rule[i].push(Occurrence {
                    start: m.start,
                    end: m.end,
                    value_start: m.value_start,
                    value_end: m.value_end,
                });
                out.push(m);
            }
        }
    }

    fn compose_one<'a>(
        &self,
        i: usize,
        parts: &Parts,
        of: &dyn Fn(&Ref) -> &'a [Occurrence],
    ) -> Vec<RuleMatch> {
        let rule = &self.rules[i];
        let name = |r: &Ref| r.name(&self.rules);
        let none_of: Vec<&str> = parts.none_of.iter().map(name).collect();
        // A match from the chosen parts: (name, occurrence, whether an any_of part).
        let emit = |chosen: &[(&str, Occurrence, bool)], scope: String| {
            let start = chosen.iter().map(|c| c.1.start).min().unwrap_or(0);
            let end = chosen.iter().map(|c| c.1.end).max().unwrap_or(0);
            let first = chosen.iter().map(|c| c.1).min_by_key(|o| (o.start, o.end));
            let (value_start, value_end) =
                first.map_or((start, end), |o| (o.value_start, o.value_end));
            let mut clauses = vec![];
            for (label, any) in [("all of", false), ("any of", true)] {
                let list: Vec<String> = chosen
                    .iter()
                    .filter(|c| c.2 == any)
                    .map(|c| format!("{} at byte {}", c.0, c.1.start))
                    .collect();
                if !list.is_empty() {
                    clauses.push(format!("{label}: {}", list.join(", ")));
                }
            }
            if !none_of.is_empty() {
                clauses.push(format!("none of {} {scope}", none_of.join(", ")));
            }
            clauses.push(match parts.within {
                Some(n) => format!("parts within {} of {n} bytes", end - start),
                None => "anywhere in the document".to_string(),
            });
            RuleMatch {
                rule: i,
                start,
                end,
                value_start,
                value_end,
                confidence: rule.sensitivity,
                why: clauses.join("; "),
            }
        };
        let first = |r: &Ref| of(r).iter().min_by_key(|o| (o.start, o.end)).copied();

        let Some(n) = parts.within else {
            let mut chosen = vec![];
            for r in &parts.all_of {
                match first(r) {
                    Some(o) => chosen.push((name(r), o, false)),
                    None => return vec![],
                }
            }
            if !parts.any_of.is_empty() {
                let earliest = parts
                    .any_of
                    .iter()
                    .filter_map(|r| first(r).map(|o| (name(r), o, true)))
                    .min_by_key(|c| (c.1.start, c.1.end));
                match earliest {
                    Some(c) => chosen.push(c),
                    None => return vec![],
                }
            }
            if parts.none_of.iter().any(|r| !of(r).is_empty()) {
                return vec![];
            }
            return vec![emit(&chosen, "in the document".into())];
        };

        // Slots: one per all_of part, one shared by the any_of parts; each holds its
        // occurrences (with the index of the any_of part) in order of start.
        let mut slots: Vec<Vec<(Occurrence, usize)>> = vec![];
        for r in &parts.all_of {
            slots.push(of(r).iter().map(|o| (*o, 0)).collect());
        }
        if !parts.any_of.is_empty() {
            let mut any = vec![];
            for (k, r) in parts.any_of.iter().enumerate() {
                any.extend(of(r).iter().map(|o| (*o, k)));
            }
            slots.push(any);
        }
        if slots.iter().any(Vec::is_empty) {
            return vec![];
        }
        for s in &mut slots {
            s.sort_by_key(|(o, _)| (o.start, o.end));
        }
        let mut excluded: Vec<Occurrence> = parts
            .none_of
            .iter()
            .flat_map(|r| of(r).iter().copied())
            .collect();
        excluded.sort_by_key(|o| o.start);
        let mut max_end = Vec::with_capacity(excluded.len());
        let mut m = 0;
        for o in &excluded {
            m = m.max(o.end);
            max_end.push(m);
        }
        // Whether an excluded part touches [lo, hi].
        let near_excluded = |lo: usize, hi: usize| {
            let k = excluded.partition_point(|o| o.start <= hi);
            k > 0 && max_end[k - 1] >= lo
        };
        // Each start of a part anchors a group: the first occurrence per slot from there
        // that ends within `n` bytes of it. Groups do not overlap.
        let mut anchors: Vec<usize> = slots
            .iter()
            .flat_map(|s| s.iter().map(|(o, _)| o.start))
            .collect();
        anchors.sort_unstable();
        anchors.dedup();
        let mut next = vec![0usize; slots.len()];
        let mut done_until: Option<usize> = None;
        let mut result = vec![];
        for a in anchors {
            if done_until.is_some_and(|d| a < d) {
                continue;
            }
            let limit = a.saturating_add(n);
            let mut pick = Vec::with_capacity(slots.len());
            for (s, events) in slots.iter().enumerate() {
                while next[s] < events.len() && events[next[s]].0.start < a {
                    next[s] += 1;
                }
                let found = events[next[s]..]
                    .iter()
                    .take_while(|(o, _)| o.start <= limit)
                    .find(|(o, _)| o.end <= limit);
                match found {
                    Some(&(o, k)) => {
                        let (r, any) = match parts.all_of.get(s) {
                            Some(r) => (r, false),
                            None => (&parts.any_of[k], true),
                        };
                        pick.push((name(r), o, any));
                    }
                    None => break,
                }
            }
            if pick.len() < slots.len() {
                continue;
            }
            let start = pick.iter().map(|c| c.1.start).min().unwrap_or(a);
            let end = pick.iter().map(|c| c.1.end).max().unwrap_or(a);
            if near_excluded(start.saturating_sub(n), end.saturating_add(n)) {
                continue;
            }
            result.push(emit(&pick, format!("within {n} bytes")));
            done_until = Some(end);
        }
        result
    }
}

/// The parts of a composition as written, with their spans.
pub(super) struct WrittenParts {
    all_of: Vec<Spanned<String>>,
    any_of: Vec<Spanned<String>>,
    none_of: Vec<Spanned<String>>,
}

/// A composition's parts as written, checked alone: `within` in range, an `all_of` or
/// `any_of` part, no part listed twice.
pub(super) fn written(
    r: &RawRule,
    id: &str,
    err: &dyn Fn(Range<usize>, String) -> RulesError,
) -> Result<(Matcher, WrittenParts), RulesError> {
    let within = match &r.within {
        Some(w) => {
            let n = *w.get_ref();
            if !(1..=MAX_WITHIN).contains(&n) {
                return Err(err(
                    w.span(),
                    format!("`within` must be 1 to {MAX_WITHIN} bytes"),
                ));
            }
            Some(n)
        }
        None => None,
    };
    let list = |l: &Words| -> Vec<Spanned<String>> {
        l.as_ref().map(|l| l.get_ref().clone()).unwrap_or_default()
    };
    let wp = WrittenParts {
        all_of: list(&r.all_of),
        any_of: list(&r.any_of),
        none_of: list(&r.none_of),
    };
    if wp.all_of.is_empty() && wp.any_of.is_empty() {
        let span = r.none_of.as_ref().map_or(r.id.span(), Spanned::span);
        return Err(err(
            span,
            format!(
                "rule '{id}' has no `all_of` or `any_of` parts: `none_of` alone \
                 matches nothing"
            ),
        ));
    }
    let mut seen = HashSet::new();
    for p in wp.all_of.iter().chain(&wp.any_of).chain(&wp.none_of) {
        if !seen.insert(p.get_ref().as_str()) {
            return Err(err(
                p.span(),
                format!("'{}' is listed twice in rule '{id}'", p.get_ref()),
            ));
        }
    }
    let name = |l: &[Spanned<String>]| l.iter().map(|s| s.get_ref().clone()).collect();
    Ok((
        Matcher::Composite {
            all_of: name(&wp.all_of),
            any_of: name(&wp.any_of),
            none_of: name(&wp.none_of),
            within,
        },
        wp,
    ))
}

/// The parts of the compositions (`written`, per rule) resolved to rules (by `ids`) and
/// built-in kinds, and the order in which to decide the compositions; an unknown part or a
/// cycle is an error at its place.
pub(super) fn resolve(
    rules: &[Rule],
    ids: &HashMap<String, usize>,
    written: &[Option<WrittenParts>],
    err: &dyn Fn(Range<usize>, String) -> RulesError,
) -> Result<(Vec<Option<Parts>>, Vec<usize>), RulesError> {
    let resolve = |p: &Spanned<String>, list: &str, owner: &str| -> Result<Ref, RulesError> {
        let name = p.get_ref().as_str();
        if let Some(&i) = ids.get(name) {
            Ok(Ref::Rule(i))
        } else if let Some(k) = BUILTIN_KINDS.iter().find(|k| **k == name) {
            Ok(Ref::Builtin(k))
        } else {
            Err(err(
                p.span(),
                format!(
                    "unknown id '{name}' in `{list}` of rule '{owner}': no rule has this id \
                     and no built-in kind this name"
                ),
            ))
        }
    };
    let mut resolved: Vec<Option<Parts>> = vec![];
    // Per composite rule, its references to rules with their spans, for cycles.
    let mut edges: Vec<Vec<(usize, Range<usize>)>> = vec![vec![]; rules.len()];
    for (i, wp) in written.iter().enumerate() {
        let Some(wp) = wp else {
            resolved.push(None);
            continue;
        };
        let owner = rules[i].id.as_str();
        let mut go = |l: &[Spanned<String>], name: &str| -> Result<Vec<Ref>, RulesError> {
            let mut out = vec![];
            for p in l {
                let r = resolve(p, name, owner)?;
                if let Ref::Rule(j) = r {
                    edges[i].push((j, p.span()));
                }
                out.push(r);
            }
            Ok(out)
        };
        let all_of = go(&wp.all_of, "all_of")?;
        let any_of = go(&wp.any_of, "any_of")?;
        let none_of = go(&wp.none_of, "none_of")?;
        let within = match rules[i].matcher {
            Matcher::Composite { within, .. } => within,
            _ => None,
        };
        resolved.push(Some(Parts {
            all_of,
            any_of,
            none_of,
            within,
        }));
    }
    let order = topological(rules, &edges).map_err(|(span, reason)| err(span, reason))?;
    Ok((resolved, order))
}

/// Composite rules in an order where each follows the composites it refers to; a cycle is an
/// error at the reference that closes it.
fn topological(
    rules: &[Rule],
    edges: &[Vec<(usize, Range<usize>)>],
) -> Result<Vec<usize>, (Range<usize>, String)> {
    #[derive(Clone, Copy, PartialEq)]
    enum Mark {
        New,
        Open,
        Done,
    }
    let mut mark = vec![Mark::New; rules.len()];
    let mut order = vec![];
    for root in 0..rules.len() {
        if mark[root] != Mark::New || !rules[root].is_composite() {
            continue;
        }
        // Iterative depth-first search: (rule, next edge), and the path for messages.
        let mut stack: Vec<(usize, usize)> = vec![(root, 0)];
        mark[root] = Mark::Open;
        while let Some(&mut (u, ref mut k)) = stack.last_mut() {
            if let Some((v, span)) = edges[u].get(*k) {
                *k += 1;
                let v = *v;
                match mark[v] {
                    Mark::Open => {
                        let from = stack.iter().position(|&(w, _)| w == v).unwrap_or(0);
                        let mut path: Vec<&str> = stack[from..]
                            .iter()
                            .map(|&(w, _)| rules[w].id.as_str())
                            .collect();
                        path.push(rules[v].id.as_str());
                        return Err((
                            span.clone(),
                            format!(
                                "rule '{}' is part of a cycle: {}",
                                rules[u].id,
                                path.join(" -> ")
                            ),
                        ));
                    }
                    Mark::New => {
                        mark[v] = Mark::Open;
                        stack.push((v, 0));
                    }
                    Mark::Done => {}
                }
            } else {
                mark[u] = Mark::Done;
                if rules[u].is_composite() {
                    order.push(u);
                }
                stack.pop();
            }
        }
    }
    Ok(order)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::testing::*;

    #[test]
    fn unknown_ids_in_compositions_are_errors() {
        fails_at(
            &format!("{HEAD}all_of = [\n  'email',\n  'employe-number',\n]\n"),
            8,
            "unknown id 'employe-number' in `all_of` of rule 'r'",
        );
    }

    #[test]
    fn cycles_are_errors_at_the_closing_reference() {
        let text = "[[rule]]\nid = \"a\"\nkind = \"k\"\ncategory = \"other\"\nsensitivity = \"low\"\n\
                    all_of = [\"b\"]\n\n\
                    [[rule]]\nid = \"b\"\nkind = \"k\"\ncategory = \"other\"\nsensitivity = \"low\"\n\
                    any_of = [\"email\", \"a\"]\n";
        fails_at(text, 13, "cycle: a -> b -> a");
        fails_at(&format!("{HEAD}all_of = ['r']\n"), 6, "cycle: r -> r");
    }

    #[test]
    fn none_of_alone_is_an_error() {
        fails_at(
            &format!("{HEAD}all_of = []\nnone_of = ['email']\n"),
            7,
            "`none_of` alone matches nothing",
        );
    }

    fn composition(body: &str) -> String {
        format!(
            "[[rule]]\nid = \"c\"\nkind = \"combo\"\ncategory = \"health\"\nsensitivity = \"high\"\n{body}\n\
             [[rule]]\nid = \"emp\"\nkind = \"employee\"\ncategory = \"identifier\"\nsensitivity = \"low\"\n\
             regex = 'EMP-\\d{{4}}'\n\
             [[rule]]\nid = \"secret\"\nkind = \"project\"\ncategory = \"other\"\nsensitivity = \"low\"\n\
             words = ['Örn']\n"
        )
    }

    fn compose(r: &Rules, text: &str, builtin: &[(&str, usize, usize)]) -> Vec<RuleMatch> {
        let mut prim = vec![];
        r.matches(text.as_bytes(), &mut prim);
        let mut out = vec![];
        r.compose(&prim, builtin, &mut out);
        out
    }

    #[test]
    fn all_of_anywhere_needs_every_part_once_per_document() {
        let r = parse(&composition("all_of = ['emp', 'health']"));
        let text = "EMP-1234 ... EMP-5678";
        assert!(compose(&r, text, &[]).is_empty());
        let found = compose(&r, text, &[("health", 500, 510), ("health", 700, 710)]);
        assert_eq!(found.len(), 1);
        let m = &found[0];
        assert_eq!((m.rule, m.start, m.end), (0, 0, 510));
        assert_eq!((m.value_start, m.value_end), (0, 8));
        assert_eq!(m.confidence, Confidence::High);
        assert_eq!(
            m.why,
            "all of: emp at byte 0, health at byte 500; anywhere in the document"
        );
    }

    #[test]
    fn any_of_needs_one_part() {
        let r = parse(&composition("any_of = ['email', 'phone']"));
        assert!(compose(&r, "", &[("dk-cpr", 0, 10)]).is_empty());
        let found = compose(&r, "", &[("phone", 40, 50), ("email", 20, 30)]);
        assert_eq!(found.len(), 1);
        assert_eq!(
            found[0].why,
            "any of: email at byte 20; anywhere in the document"
        );
    }

    #[test]
    fn none_of_vetoes_the_document() {
        let r = parse(&composition("all_of = ['emp']\nnone_of = ['secret']"));
        assert_eq!(compose(&r, "EMP-1234", &[]).len(), 1);
        assert_eq!(
            compose(&r, "EMP-1234", &[])[0].why,
            "all of: emp at byte 0; none of secret in the document; anywhere in the document"
        );
        assert!(compose(&r, "EMP-1234 far away: Örn", &[]).is_empty());
    }

    #[test]
    fn within_groups_parts_that_lie_close() {
        let r = parse(&composition("all_of = ['emp', 'dk-cpr']\nwithin = 30"));
        let text = format!("EMP-1234 {}EMP-5678", " ".repeat(100));
        // The CPR number far from the first, close to the second employee number.
        let found = compose(&r, &text, &[("dk-cpr", 120, 131)]);
        assert_eq!(found.len(), 1, "{found:?}");
        let m = &found[0];
        assert_eq!((m.start, m.end), (109, 131));
        assert_eq!(
            m.why,
            "all of: emp at byte 109, dk-cpr at byte 120; parts within 22 of 30 bytes"
        );
        assert!(compose(&r, &text, &[("dk-cpr", 60, 71)]).is_empty());
        // A CPR number before and after: each group found once.
        let found = compose(
            &r,
            &text,
            &[("dk-cpr", 0, 1), ("dk-cpr", 80, 105), ("dk-cpr", 120, 131)],
        );
        assert_eq!(found.len(), 2, "{found:?}");
    }

    #[test]
    fn within_with_none_of_excludes_only_nearby_groups() {
        let r = parse(&composition(
            "all_of = ['emp']\nany_of = ['health', 'email']\nnone_of = ['secret']\nwithin = 20",
        ));
        let text = format!("EMP-1234 Örn {}EMP-5678", " ".repeat(100));
        let found = compose(&r, &text, &[("email", 10, 15), ("health", 125, 130)]);
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(found[0].start, 114);
        assert_eq!(
            found[0].why,
            "all of: emp at byte 114; any of: health at byte 125; none of secret within 20 bytes; \
             parts within 16 of 20 bytes"
        );
    }

    #[test]
    fn compositions_build_on_later_compositions() {
        let text = "[[rule]]\nid = \"outer\"\nkind = \"k\"\ncategory = \"other\"\nsensitivity = \"medium\"\n\
                    all_of = [\"inner\", \"email\"]\n\
                    [[rule]]\nid = \"inner\"\nkind = \"k\"\ncategory = \"other\"\nsensitivity = \"low\"\n\
                    all_of = [\"dk-cpr\"]\n";
        let r = parse(text);
        let mut out = vec![];
        r.compose(&[], &[("dk-cpr", 5, 15), ("email", 30, 40)], &mut out);
        assert_eq!(out.len(), 2);
        assert_eq!(r.rules()[out[0].rule].id, "inner");
        assert_eq!(r.rules()[out[1].rule].id, "outer");
        assert_eq!((out[1].start, out[1].end), (5, 40));
    }
}
