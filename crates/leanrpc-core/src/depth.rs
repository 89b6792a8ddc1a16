//! A linear pre-scan that bounds JSON nesting depth before any recursive parser sees the input.

/// Returns `true` when `bytes` nests arrays/objects deeper than `max`.
///
/// The scan only tracks brackets outside strings; it never fails on malformed input (the parser
/// reports that), so it is safe on arbitrary bytes.
pub(crate) fn exceeds(bytes: &[u8], max: usize) -> bool {
    // Nor the number of bytes: most single calls are shorter than the limit.
    if bytes.len() <= max {
        return false;
    }
    // Nesting can never exceed the number of opening brackets, strings included. Counting them
    // (up to `max + 1`) is a vectorized `memchr2` pass, so the exact scan below runs only for
    // bodies that could fail.
    let openings = memchr::memchr2_iter(b'[', b'{', bytes)
        .take(max.saturating_add(1))
        .count();
    if openings <= max {
        return false;
    }
    let mut depth = 0usize;
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'[' | b'{' => {
                depth += 1;
                if depth > max {
                    return true;
                }
            }
            b']' | b'}' => depth = depth.saturating_sub(1),
            b'"' => {
                // Skip the string body; escapes may hide a quote.
                i += 1;
                loop {
                    match memchr::memchr2(b'"', b'\\', &bytes[i..]) {
                        None => return false,
                        Some(off) if bytes[i + off] == b'\\' => i += off + 2,
                        Some(off) => {
                            i += off;
                            break;
                        }
                    }
                    if i >= bytes.len() {
                        return false;
                    }
                }
            }
            _ => {}
        }
        i += 1;
    }
    false
}

#[cfg(test)]
mod tests {
    use super::exceeds;

    #[test]
    fn counts_only_structural_brackets() {
        assert!(!exceeds(br#"{"a":[1,[2]]}"#, 3));
        assert!(exceeds(br#"{"a":[1,[2]]}"#, 2));
        assert!(!exceeds(br#"{"a":"[[[[[[[[[["}"#, 1));
        assert!(!exceeds(br#"{"a":"\"[[[[[[\\"}"#, 1));
        assert!(exceeds(br#"{"a":"\\"}[[["#, 2));
    }

    #[test]
    fn survives_garbage_and_huge_depth() {
        let deep = vec![b'['; 200_000];
        assert!(exceeds(&deep, 64));
        assert!(!exceeds(b"\"unterminated \\", 1));
        assert!(!exceeds(b"\\\\\\\"", 0));
        assert!(!exceeds(b"", 0));
    }
}
