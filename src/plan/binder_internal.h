// Private to the binder: the Binder class shared by binder.cc (statements and scalar
// expressions), binder_tabular.cc (tabular operators) and binder_summarize.cc (summarize).
#pragma once

#include <map>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "exec/expression.h"
#include "functions/registry.h"
#include "plan/binder.h"

namespace unmask::plan::internal {

using exec::BoundExpr;
using exec::BoundExprPtr;
using query::Expr;
using query::ExprKind;
using query::LiteralKind;
using query::OperatorKind;
using query::Span;

/// Creates a Status that points at `span` of the query text.
Status ErrorAt(ErrorKind kind, const Span& span, std::string message);
/// Joins names as 'a', 'b', 'c' for messages.
std::string JoinNames(const std::vector<std::string>& names);
/// Makes a project node computing `exprs` over `input`.
PlanNodePtr MakeProject(PlanNodePtr input, Schema schema, std::vector<BoundExprPtr> exprs);
/// Matches a column name against a pattern where `*` stands for any run of characters.
bool WildcardMatch(std::string_view pattern, std::string_view text);

/// A `let` statement: a folded scalar or the syntax of a tabular expression bound at each use.
struct LetBinding {
    std::string name;
    bool tabular = false;
    Value value;
    const Expr* syntax = nullptr;
    size_t visible_lets = 0;  ///< lets defined before this one, visible inside it
};

class Binder {
public:
    Binder(const std::vector<CatalogTable>& catalog, const BindOptions& options)
        : catalog_(catalog), options_(options) {
        context_.now_ticks = options.now_ticks;
    }

    Result<BoundQuery> Bind(const query::Script& script);

private:
    // Scalars.
    Result<BoundExprPtr> BindScalar(const Expr& expr, const Schema* schema);
    Result<BoundExprPtr> BindName(const Expr& expr, const Schema* schema);
    Result<BoundExprPtr> BindCall(const Expr& expr, const Schema* schema);
    Result<BoundExprPtr> BindLiteral(const Expr& expr);
    Result<DynamicPtr> BindDynamicLiteral(const Expr& expr);
    Result<BoundExprPtr> MakeCall(const Expr& expr, functions::BoundScalar bound, std::vector<BoundExprPtr> args);
    Result<Value> FoldConstant(const BoundExpr& expr, const Span& span);
    static std::vector<functions::BindArg> BindArgs(const std::vector<BoundExprPtr>& args);

    // Tabular.
    Result<PlanNodePtr> BindTabular(const Expr& expr);
    Result<PlanNodePtr> BindSource(const Expr& source);
    Result<PlanNodePtr> BindOperator(const query::Operator& op, PlanNodePtr input);
    Result<PlanNodePtr> BindWhere(const query::Operator& op, PlanNodePtr input);
    Result<PlanNodePtr> BindExtend(const query::Operator& op, PlanNodePtr input);
    Result<PlanNodePtr> BindProject(const query::Operator& op, PlanNodePtr input);
    Result<PlanNodePtr> BindProjectNames(const query::Operator& op, PlanNodePtr input);
    Result<PlanNodePtr> BindProjectRename(const query::Operator& op, PlanNodePtr input);
    Result<PlanNodePtr> BindSummarize(const query::Operator& op, PlanNodePtr input);
    Result<PlanNodePtr> BindSort(const query::Operator& op, PlanNodePtr input);
    Result<PlanNodePtr> BindTake(const query::Operator& op, PlanNodePtr input);
    Result<PlanNodePtr> BindDistinct(const query::Operator& op, PlanNodePtr input);
    Result<PlanNodePtr> BindUnion(const query::Operator& op, PlanNodePtr input);
    Result<PlanNodePtr> BindPrint(const query::Operator& op);
    Result<PlanNodePtr> BindDatatable(const Expr& source);
    Result<int64_t> BindCount(const Expr& expr);
    Result<const Table*> RunSubquery(const Expr& expr);
    bool IsTabular(const Expr& expr) const;

    const LetBinding* FindLet(std::string_view name) const;
    std::vector<std::string> KnownNames(const Schema* schema) const;
    std::string DefaultName(const Expr& expr, const Schema& taken);

    const std::vector<CatalogTable>& catalog_;
    const BindOptions& options_;
    functions::EvalContext context_;
    std::vector<LetBinding> lets_;
    size_t visible_lets_ = 0;
    std::vector<std::string> notes_;
    std::set<std::string> noted_extensions_;
    /// Results of subqueries already run, by syntax node, so a let bound twice runs once.
    std::map<const Expr*, Table> subquery_results_;
};

}  // namespace unmask::plan::internal
