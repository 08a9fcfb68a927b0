//! Kong-style route matching over the configured routes.
//!
//! A route matches when every attribute it sets matches: `methods`, `hosts` (exact or
//! wildcard) and `paths` (prefix, or a `~` regex anchored at the start). Among matches Kong's
//! order applies: routes with more attribute kinds first, then regex paths by
//! `regex_priority`, then the longest prefix; ties keep file order.

use quarry_config::{PathMatcher, Route};

/// Routes pre-sorted into evaluation order; matching is a linear scan with early exit.
pub struct Router {
    /// Indexes into the route list, in evaluation order.
    order: Vec<usize>,
    routes: Vec<Route>,
}

/// What matched: the route and the path length the matched prefix covered (for `strip_path`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Match {
    pub route: usize,
    pub matched_len: usize,
}

impl Router {
    pub fn new(routes: Vec<Route>) -> Self {
        let mut order: Vec<usize> = (0..routes.len()).collect();
        order.sort_by_key(|&i| {
            let r = &routes[i];
            let kinds = usize::from(!r.methods.is_empty())
                + usize::from(!r.hosts.is_empty())
                + usize::from(!r.paths.is_empty());
            let has_regex = r
                .paths
                .iter()
                .any(|p| matches!(p, PathMatcher::Regex { .. }));
            let longest_prefix = r
                .paths
                .iter()
                .map(|p| match p {
                    PathMatcher::Prefix(s) => s.len(),
                    PathMatcher::Regex { .. } => 0,
                })
                .max()
                .unwrap_or(0);
            (
                std::cmp::Reverse(kinds),
                std::cmp::Reverse(has_regex),
                std::cmp::Reverse(if has_regex { r.regex_priority } else { 0 }),
                std::cmp::Reverse(longest_prefix),
                i,
            )
        });
        Self { order, routes }
    }

    #[cfg(test)]
    pub fn route(&self, index: usize) -> &Route {
        &self.routes[index]
    }

    /// The best route for this request, if any. `host` is the Host header without port.
    pub fn find(&self, method: &str, host: Option<&str>, path: &str) -> Option<Match> {
        self.order.iter().find_map(|&i| {
            let r = &self.routes[i];
            if !r.methods.is_empty() && !r.methods.iter().any(|m| m == method) {
                return None;
            }
            if !r.hosts.is_empty()
                && !host.is_some_and(|h| r.hosts.iter().any(|p| host_matches(p, h)))
            {
                return None;
            }
            if r.paths.is_empty() {
                return Some(Match {
                    route: i,
                    matched_len: 0,
                });
            }
            best_path_match(&r.paths, path).map(|matched_len| Match {
                route: i,
                matched_len,
            })
        })
    }
}

/// The length of the path the route's best path matcher covers.
fn best_path_match(paths: &[PathMatcher], path: &str) -> Option<usize> {
    paths
        .iter()
        .filter_map(|p| match p {
            PathMatcher::Prefix(prefix) => {
                path.starts_with(prefix.as_str()).then_some(prefix.len())
            }
            PathMatcher::Regex { regex, .. } => {
                regex.find(path).filter(|m| m.start() == 0).map(|m| m.end())
            }
        })
        .max()
}

fn host_matches(pattern: &str, host: &str) -> bool {
    let host = host.to_ascii_lowercase();
    if let Some(suffix) = pattern.strip_prefix("*.") {
        host.len() > suffix.len() + 1
            && host.ends_with(suffix)
            && host.as_bytes()[host.len() - suffix.len() - 1] == b'.'
    } else if let Some(prefix) = pattern.strip_suffix(".*") {
        host.starts_with(prefix) && host.as_bytes().get(prefix.len()) == Some(&b'.')
    } else {
        pattern == host
    }
}

#[cfg(test)]
mod tests;
