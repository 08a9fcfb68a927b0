//! Words, the unit of every deterministic rule: token counts split on whitespace; trigger words
//! ("blocked", "fail") and relevance scores split on every non-alphanumeric character.

use std::collections::BTreeSet;

/// Whitespace-separated words: the emulator's token count.
pub(crate) fn count_words(text: &str) -> u64 {
    text.split_whitespace().count() as u64
}

/// True when `text` has `word` as a whole word, in any case (`Blocked!` has `blocked`,
/// `unblocked` does not).
pub(crate) fn has_word(text: &str, word: &str) -> bool {
    text.split(|c: char| !c.is_alphanumeric())
        .any(|w| w.eq_ignore_ascii_case(word))
}

/// The distinct lowercased alphanumeric words of `text`.
pub(crate) fn word_set(text: &str) -> BTreeSet<String> {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect()
}

/// Relevance of `document` to `query`: the share of the query's distinct words that appear in
/// the document, from 0 (none, or a query without words) to 1 (all).
pub(crate) fn relevance(query: &BTreeSet<String>, document: &str) -> f64 {
    if query.is_empty() {
        return 0.0;
    }
    let document = word_set(document);
    let shared = query.iter().filter(|w| document.contains(*w)).count();
    shared as f64 / query.len() as f64
}

/// Indices of `documents` ordered by descending relevance to `query`, ties by index, with
/// their scores.
pub(crate) fn rank<'a>(query: &str, documents: impl Iterator<Item = &'a str>) -> Vec<(usize, f64)> {
    let query = word_set(query);
    let mut scored: Vec<(usize, f64)> = documents
        .enumerate()
        .map(|(i, d)| (i, relevance(&query, d)))
        .collect();
    scored.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
    scored
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn whole_words_in_any_case() {
        assert!(has_word("This is Blocked!", "blocked"));
        assert!(!has_word("unblocked", "blocked"));
        assert!(has_word("job-fail-1", "fail"));
        assert!(!has_word("failure", "fail"));
    }

    #[test]
    fn ranking_is_by_shared_query_words_then_index() {
        let ranked = rank(
            "red apple pie",
            ["green pear", "Apple pie!", "red apple pie", "a pie"].into_iter(),
        );
        let order: Vec<usize> = ranked.iter().map(|r| r.0).collect();
        assert_eq!(order, [2, 1, 3, 0]);
        assert_eq!(ranked[0].1, 1.0);
        assert!((ranked[1].1 - 2.0 / 3.0).abs() < 1e-12);
        assert_eq!(ranked[3].1, 0.0);
        assert_eq!(count_words("  two  words "), 2);
    }
}
