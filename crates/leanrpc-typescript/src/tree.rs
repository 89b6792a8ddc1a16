//! The namespace tree of dotted method names: `leantime.rpc.tickets.getTicket` becomes
//! `leantime` → `rpc` → `tickets` → `getTicket`. A name may be both a method and the prefix of
//! others (`a.b` and `a.b.c`): its node then holds the method and children.

use crate::error::Error;
use crate::names::CLIENT_MEMBERS;

/// One node: a name segment's method (an index into the document's methods), if any, and the
/// segments below it, in the order first met.
#[derive(Debug, Default, PartialEq, Eq)]
pub(crate) struct Node {
    pub(crate) method: Option<usize>,
    pub(crate) children: Vec<(String, Node)>,
}

impl Node {
    /// The tree of `names` (each with where it is in the document, for errors). A top-level
    /// segment may not take one of the client's own members (`$call`, `$batch`, `$notify`), nor
    /// be `then`, which JavaScript's `await` calls on any object that has it.
    pub(crate) fn build<'a>(
        names: impl IntoIterator<Item = (&'a str, &'a str)>,
    ) -> Result<Node, Error> {
        let mut root = Node::default();
        for (index, (name, at)) in names.into_iter().enumerate() {
            let top = name.split('.').next().unwrap_or_default();
            if CLIENT_MEMBERS.contains(&top) {
                return Err(Error::new(
                    format!("{at}.name"),
                    format!(
                        "`{name}` starts with `{top}`, which is the client's own `{top}`; rename the method"
                    ),
                ));
            }
            if top == "then" {
                return Err(Error::new(
                    format!("{at}.name"),
                    format!(
                        "`{name}` starts with `then`, which would make the client a thenable: \
                         `await client` (or returning it from an async function) would call \
                         `client.then`; rename the method"
                    ),
                ));
            }
            let mut node = &mut root;
            for segment in name.split('.') {
                let position = match node.children.iter().position(|(s, _)| s == segment) {
                    Some(position) => position,
                    None => {
                        node.children.push((segment.to_owned(), Node::default()));
                        node.children.len() - 1
                    }
                };
                node = &mut node.children[position].1;
            }
            node.method = Some(index);
        }
        Ok(root)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn leaf(method: usize) -> Node {
        Node {
            method: Some(method),
            children: Vec::new(),
        }
    }

    #[test]
    fn dotted_names_nest_and_a_method_may_also_be_a_namespace() {
        let tree =
            Node::build([("a.b", "m0"), ("a.b.c", "m1"), ("a.d", "m2"), ("e", "m3")]).unwrap();
        let expected = Node {
            method: None,
            children: vec![
                (
                    "a".to_owned(),
                    Node {
                        method: None,
                        children: vec![
                            (
                                "b".to_owned(),
                                Node {
                                    method: Some(0),
                                    children: vec![("c".to_owned(), leaf(1))],
                                },
                            ),
                            ("d".to_owned(), leaf(2)),
                        ],
                    },
                ),
                ("e".to_owned(), leaf(3)),
            ],
        };
        assert_eq!(tree, expected);
        // The prefix may come after the longer name, too.
        let tree = Node::build([("a.b.c", "m0"), ("a.b", "m1")]).unwrap();
        let b = &tree.children[0].1.children[0].1;
        assert_eq!(b.method, Some(1));
        assert_eq!(b.children, vec![("c".to_owned(), leaf(0))]);
    }

    #[test]
    fn empty_segments_are_names_too() {
        let tree = Node::build([("a..b", "m0"), (".", "m1")]).unwrap();
        assert_eq!(tree.children[0].1.children[0].0, "");
        assert_eq!(tree.children[1].0, "");
        assert_eq!(tree.children[1].1.children[0], ("".to_owned(), leaf(1)));
    }

    #[test]
    fn the_clients_own_members_cannot_be_taken() {
        let error = Node::build([("ok", "methods[0]"), ("$batch.x", "methods[1]")]).unwrap_err();
        assert_eq!(error.at(), "methods[1].name");
        assert!(error.message().contains("client's own `$batch`"), "{error}");
        // Below the top they are ordinary names.
        assert!(Node::build([("x.$batch", "m0")]).is_ok());
    }

    #[test]
    fn then_at_the_top_would_make_the_client_awaitable() {
        let error = Node::build([("then", "methods[0]")]).unwrap_err();
        assert_eq!(error.at(), "methods[0].name");
        assert!(error.message().contains("thenable"), "{error}");
        let error = Node::build([("then.x", "methods[2]")]).unwrap_err();
        assert_eq!(error.at(), "methods[2].name");
        // Below the top it is an ordinary name (a namespace object is not awaited).
        assert!(Node::build([("x.then", "m0"), ("thenable", "m1")]).is_ok());
    }
}
