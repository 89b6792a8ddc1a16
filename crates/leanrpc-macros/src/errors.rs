//! Collects every error of one macro invocation, so the user sees all of them at once.

use std::fmt::Display;

use proc_macro2::Span;
use quote::ToTokens;

/// The errors found so far, combined into one `syn::Error`.
#[derive(Default)]
pub(crate) struct Errors(Option<syn::Error>);

impl Errors {
    /// Records an error.
    pub(crate) fn push(&mut self, error: syn::Error) {
        match &mut self.0 {
            Some(all) => all.combine(error),
            None => self.0 = Some(error),
        }
    }

    /// Records an error spanned on `tokens`.
    pub(crate) fn spanned(&mut self, tokens: impl ToTokens, message: impl Display) {
        self.push(syn::Error::new_spanned(tokens, message));
    }

    /// Records an error at `span`.
    pub(crate) fn at(&mut self, span: Span, message: impl Display) {
        self.push(syn::Error::new(span, message));
    }

    /// Every error recorded, if any, in source order.
    pub(crate) fn finish(self) -> Result<(), syn::Error> {
        let Some(all) = self.0 else {
            return Ok(());
        };
        if !proc_macro::is_available() {
            return Err(all);
        }
        // Errors are found stage by stage (attributes, then rules); the user reads them top
        // to bottom.
        let mut each: Vec<syn::Error> = all.into_iter().collect();
        each.sort_by_key(|e| {
            let span = e.span().unwrap();
            (span.line(), span.column())
        });
        let mut each = each.into_iter();
        let mut sorted = each.next().expect("at least one error");
        sorted.extend(each);
        Err(sorted)
    }
}
