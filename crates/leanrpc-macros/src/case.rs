//! Name rules shared with `leanrpc_core::registry`, reimplemented here because a proc-macro
//! crate cannot depend on the runtime crate it generates code for.

/// Converts a Rust identifier to lowerCamelCase (`get_ticket` → `getTicket`); the same algorithm
/// as `leanrpc_core::registry::lower_camel`.
pub(crate) fn lower_camel(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    let mut upper = false;
    for c in name.trim_start_matches('_').chars() {
        if c == '_' {
            upper = !out.is_empty();
        } else if upper {
            out.extend(c.to_uppercase());
            upper = false;
        } else {
            out.push(c);
        }
    }
    out
}

/// The matching form of a name: ASCII lowercase, without `_` and `-`; the same rule as
/// `leanrpc_core::registry::normalize`.
pub(crate) fn normalize(name: &str) -> String {
    name.chars()
        .filter(|c| *c != '_' && *c != '-')
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn agrees_with_the_runtime_rules() {
        assert_eq!(lower_camel("get_ticket"), "getTicket");
        assert_eq!(lower_camel("get_all_tickets"), "getAllTickets");
        assert_eq!(lower_camel("sum"), "sum");
        assert_eq!(lower_camel("_private_x"), "privateX");
        assert_eq!(lower_camel("a__b"), "aB");
        for name in [
            "get_ticket",
            "getTicket",
            "GetTicket",
            "get-ticket",
            "GETTICKET",
        ] {
            assert_eq!(normalize(name), "getticket");
        }
    }
}
