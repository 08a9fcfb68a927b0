//! Query strings and list pagination shared by the `List*` operations.

use percent_encoding::percent_decode_str;

use crate::error::ApiError;

/// The decoded `name=value` pairs of a raw query string, in order.
pub(crate) fn pairs(query: &str) -> Vec<(String, String)> {
    query
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|pair| {
            let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
            let decode = |s: &str| percent_decode_str(s).decode_utf8_lossy().into_owned();
            (decode(name), decode(value))
        })
        .collect()
}

/// The first value of `name`.
pub(crate) fn get<'a>(pairs: &'a [(String, String)], name: &str) -> Option<&'a str> {
    pairs
        .iter()
        .find(|(n, _)| n == name)
        .map(|(_, v)| v.as_str())
}

/// An ISO-8601 time filter (`submitTimeAfter`, `submitTimeBefore`).
pub(crate) fn time_filter(
    pairs: &[(String, String)],
    name: &str,
) -> Result<Option<std::time::SystemTime>, ApiError> {
    get(pairs, name)
        .map(|raw| {
            crate::time::parse(raw).ok_or_else(|| {
                ApiError::validation(format!(
                    "The value of {name} is not a valid timestamp: {raw}"
                ))
            })
        })
        .transpose()
}

/// `sortBy` must be the operation's one sort key; `sortOrder` is Descending by default.
/// Returns whether the order is descending.
pub(crate) fn sort_descending(
    pairs: &[(String, String)],
    sort_key: &str,
) -> Result<bool, ApiError> {
    if let Some(sort_by) = get(pairs, "sortBy").filter(|s| *s != sort_key) {
        return Err(ApiError::constraint(
            sort_by,
            "sortBy",
            &format!("Member must satisfy enum value set: [{sort_key}]"),
        ));
    }
    match get(pairs, "sortOrder") {
        None | Some("Descending") => Ok(true),
        Some("Ascending") => Ok(false),
        Some(other) => Err(ApiError::constraint(
            other,
            "sortOrder",
            "Member must satisfy enum value set: [Ascending, Descending]",
        )),
    }
}

/// Prefix of the opaque page tokens the emulator hands out.
const TOKEN_PREFIX: &str = "emulator-page-";

/// The page of `items` that `max_results` (1..=1000, default 1000) and `next_token` select,
/// and the token of the following page when there is one.
pub(crate) fn paginate<T>(
    items: Vec<T>,
    max_results: Option<&str>,
    next_token: Option<&str>,
) -> Result<(Vec<T>, Option<String>), ApiError> {
    let max = match max_results {
        None => 1000,
        Some(raw) => match raw.parse::<usize>() {
            Ok(n @ 1..=1000) => n,
            _ => {
                return Err(ApiError::constraint(
                    raw,
                    "maxResults",
                    "Member must have value between 1 and 1000",
                ))
            }
        },
    };
    let start = match next_token {
        None => 0,
        Some(token) => token
            .strip_prefix(TOKEN_PREFIX)
            .and_then(|n| n.parse::<usize>().ok())
            .filter(|n| *n <= items.len())
            .ok_or_else(|| ApiError::validation("The provided pagination token is invalid."))?,
    };
    let end = start.saturating_add(max).min(items.len());
    let next = (end < items.len()).then(|| format!("{TOKEN_PREFIX}{end}"));
    let page = items.into_iter().skip(start).take(end - start).collect();
    Ok((page, next))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
    use super::*;

    #[test]
    fn pairs_are_decoded_in_order() {
        let p = pairs("statusEquals=InProgress&submitTimeAfter=2025-01-01T00%3A00%3A00Z&flag");
        assert_eq!(get(&p, "statusEquals"), Some("InProgress"));
        assert_eq!(get(&p, "submitTimeAfter"), Some("2025-01-01T00:00:00Z"));
        assert_eq!(get(&p, "flag"), Some(""));
        assert_eq!(get(&p, "missing"), None);
    }

    #[test]
    fn pages_chain_through_tokens() {
        let (page, next) = paginate((0..5).collect(), Some("2"), None).unwrap();
        assert_eq!(page, [0, 1]);
        let (page, next) = paginate((0..5).collect(), Some("2"), next.as_deref()).unwrap();
        assert_eq!(page, [2, 3]);
        let (page, next) = paginate((0..5).collect(), Some("2"), next.as_deref()).unwrap();
        assert_eq!((page, next), (vec![4], None));
        assert!(paginate((0..5).collect::<Vec<_>>(), Some("0"), None).is_err());
        assert!(paginate((0..5).collect::<Vec<_>>(), None, Some("bogus")).is_err());
    }
}
