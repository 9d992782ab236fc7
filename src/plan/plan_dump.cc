#include <string>

#include "plan/plan_node.h"

namespace unmask::plan {

namespace {

const char* KindName(PlanNode::Kind kind) {
    switch (kind) {
        case PlanNode::Kind::kScan: return "scan";
        case PlanNode::Kind::kValues: return "values";
        case PlanNode::Kind::kFilter: return "filter";
        case PlanNode::Kind::kProject: return "project";
        case PlanNode::Kind::kSummarize: return "summarize";
        case PlanNode::Kind::kSort: return "sort";
        case PlanNode::Kind::kTake: return "take";
        case PlanNode::Kind::kDistinct: return "distinct";
        case PlanNode::Kind::kCount: return "count";
        case PlanNode::Kind::kUnion: return "union";
    }
    return "?";
}

void Dump(const PlanNode& node, int depth, std::string& out) {
    out.append(static_cast<size_t>(depth) * 2, ' ');
    out += KindName(node.kind);
    if (node.kind == PlanNode::Kind::kScan) {
        out += " " + node.table_name;
    }
    if (node.limit >= 0) {
        out += " limit=" + std::to_string(node.limit);
    }
    // Wide inputs list only their first columns so the plan stays readable.
    constexpr size_t kMaxListed = 12;
    out += " [";
    for (size_t i = 0; i < node.schema.size() && i < kMaxListed; ++i) {
        out += (i > 0 ? ", " : "") + node.schema[i].name + ":" + std::string(TypeName(node.schema[i].type));
    }
    if (node.schema.size() > kMaxListed) {
        out += ", ... " + std::to_string(node.schema.size()) + " columns in all";
    }
    out += "]\n";
    for (const auto& input : node.inputs) {
        Dump(*input, depth + 1, out);
    }
}

}  // namespace

std::string DumpPlan(const PlanNode& node) {
    std::string out;
    Dump(node, 0, out);
    return out;
}

}  // namespace unmask::plan
