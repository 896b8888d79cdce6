//! What a query costs, measured as async-graphql validates it (complexity: each field 1,
//! a connection's items times its page size; depth: the deepest selection), enforced
//! against the limits and reported to the client: every answer says in
//! `extensions.cost` what its query cost and what it may cost, and a query over a limit is
//! refused with `QUERY_TOO_COMPLEX` naming its cost and the limit, so client developers
//! can see how close they are before they cross it.

use std::sync::{Arc, Mutex};

use async_graphql::extensions::{
    Extension, ExtensionContext, ExtensionFactory, NextExecute, NextValidation,
};
use async_graphql::{Response, ServerError, ValidationResult, Value};

use crate::error::Code;

/// The limits on a query's complexity and depth.
#[derive(Debug, Clone, Copy)]
pub struct CostLimit {
    pub max_complexity: usize,
    pub max_depth: usize,
}

impl ExtensionFactory for CostLimit {
    fn create(&self) -> Arc<dyn Extension> {
        Arc::new(CostLimitExtension {
            limit: *self,
            measured: Mutex::new(None),
        })
    }
}

struct CostLimitExtension {
    limit: CostLimit,
    /// (complexity, depth) of this request's query, once validated.
    measured: Mutex<Option<(usize, usize)>>,
}

impl CostLimitExtension {
    /// The refusal of a query over a limit: its cost first, then its depth.
    fn refuse(&self, complexity: usize, depth: usize) -> Option<ServerError> {
        let limit = self.limit;
        if complexity > limit.max_complexity {
            let message = format!(
                "the query costs {complexity}; at most {} is allowed (ask for smaller pages or fewer fields)",
                limit.max_complexity
            );
            return Some(over_limit(
                message,
                "cost",
                complexity,
                limit.max_complexity,
            ));
        }
        if depth > limit.max_depth {
            let message = format!(
                "the query is nested {depth} levels deep; at most {} are allowed",
                limit.max_depth
            );
            return Some(over_limit(message, "depth", depth, limit.max_depth));
        }
        None
    }
}

/// `QUERY_TOO_COMPLEX`, naming the measure (`cost`, `depth`) with its value and the limit.
fn over_limit(message: String, measure: &str, value: usize, limit: usize) -> ServerError {
    let mut error = Code::QueryTooComplex.server_error(message);
    let extensions = error.extensions.get_or_insert_with(Default::default);
    extensions.set(measure, value as u64);
    extensions.set("limit", limit as u64);
    error
}

#[async_graphql::async_trait::async_trait]
impl Extension for CostLimitExtension {
    async fn validation(
        &self,
        ctx: &ExtensionContext<'_>,
        next: NextValidation<'_>,
    ) -> Result<ValidationResult, Vec<ServerError>> {
        let result = next.run(ctx).await?;
        if let Some(error) = self.refuse(result.complexity, result.depth) {
            return Err(vec![error]);
        }
        if let Ok(mut measured) = self.measured.lock() {
            *measured = Some((result.complexity, result.depth));
        }
        Ok(result)
    }

    async fn execute(
        &self,
        ctx: &ExtensionContext<'_>,
        operation_name: Option<&str>,
        next: NextExecute<'_>,
    ) -> Response {
        let mut response = next.run(ctx, operation_name).await;
        let measured = self.measured.lock().ok().and_then(|m| *m);
        if let Some((complexity, depth)) = measured {
            response.extensions.insert(
                "cost".to_owned(),
                cost_report(complexity, depth, self.limit),
            );
        }
        response
    }
}

/// `{ complexity, maxComplexity, depth, maxDepth }`.
fn cost_report(complexity: usize, depth: usize, limit: CostLimit) -> Value {
    let number = |n: usize| Value::from(n as u64);
    Value::Object(
        [
            ("complexity", number(complexity)),
            ("maxComplexity", number(limit.max_complexity)),
            ("depth", number(depth)),
            ("maxDepth", number(limit.max_depth)),
        ]
        .into_iter()
        .map(|(key, value)| (async_graphql::Name::new(key), value))
        .collect(),
    )
}
