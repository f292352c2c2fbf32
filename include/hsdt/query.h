// Queries over the dossiers: filters over indexed fields, Vietnamese name search, sorting,
// projection, paging, and grouped counts. Every result passes the policy evaluator: a query
// returns only the dossiers its session may read, with fields redacted as the policy decides,
// and is audited as one entry (docs/format.md, "Queries").
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <hsdt/policy.h>
#include <hsdt/status.h>

namespace hsdt {

#pragma GCC visibility push(default)  // the public API: exported by libhsdt++ (docs/abi.md)

// The fields of a dossier that queries filter, sort, group and project on. Values are the
// canonical JSON forms: unit and rank codes, enumerant names ("dangCongTac", "nu"), dates
// ("1980-05-12", or partial "1980-05" / "1980", which sort before the full dates they cover),
// numbers as decimal text. Append-only numbering (part of the C ABI and of stored indexes).
enum class Field : int {
  kManagingUnit = 1,     // indexed
  kWorkingUnit = 2,      // indexed
  kStatus = 3,           // indexed
  kCategory = 4,         // indexed
  kRank = 5,             // rank.code, indexed
  kRankStep = 6,         // rank.step (number)
  kCoefficient = 7,      // rank.coefficient (number)
  kGender = 8,           // indexed
  kBirthDate = 9,        // indexed; identifying (counts use kAgeBand)
  kEthnicity = 10,       // indexed; personal
  kEducation = 11,       // education.general, indexed
  kPoliticalTheory = 12, // education.politicalTheory
  kPartyMember = 13,     // "true" or "false" (party.admittedOn given); personal
  kRecruitmentDate = 14, // recruitment.date, indexed
  kNationalId = 15,      // nationalId.number, indexed (unique); personal; identifying
  kSurname = 16,         // identifying
  kMiddle = 17,          // identifying
  kGiven = 18,           // identifying
  kFullName = 19,        // "surname middle given" (derived; search it with Filter::Name); identifying
  kRankGroup = 20,       // salary group of the rank: A3.1 ... C3 (derived)
  kAgeBand = 21,         // "<=30", "31-40", "41-50", "51-60", ">60" on the reference date (derived)
};
inline constexpr int kFieldCount = 21;

const char* FieldName(Field field);                  // "managingUnit", "birthDate", ...
std::optional<Field> ParseField(std::string_view name);

// How Filter::Name matches a name. Matching is case- and diacritic-insensitive ("nguyen van an"
// finds "Nguyễn Văn An"; đ folds to d).
enum class NameMatch : int {
  kExact = 1,   // the whole name
  kPrefix = 2,  // the name starts with the text ("nguyen van" finds "Nguyễn Văn An")
  kTokens = 3,  // every word of the text is a word of the name, in any order; the last may be
                // the start of a word ("an nguyen" and "nguyen a" find "Nguyễn Văn An")
};

// A filter: a tree of conditions, combined with &&, || and !. Cheap to copy (shared, immutable).
class Filter final {
 public:
  enum class Kind : int { kAll, kAnd, kOr, kNot, kEq, kIn, kRange, kName };
  struct Node {
    Kind kind = Kind::kAll;
    Field field = Field::kManagingUnit;
    std::vector<std::string> values;  // kEq: 1; kIn: 1 or more; kRange: {from, to}; kName: 1
    NameMatch match = NameMatch::kTokens;
    std::vector<Filter> children;     // kAnd, kOr: 2 or more; kNot: 1
  };

  // Every dossier.
  Filter();
  static Filter Eq(Field field, std::string value);
  static Filter In(Field field, std::vector<std::string> values);
  // from <= value <= to; an empty bound is open. Dates compare as text, numbers as numbers.
  static Filter Range(Field field, std::string from, std::string to);
  static Filter Name(std::string text, NameMatch match = NameMatch::kTokens);
  // A filter of one node (its children are already filters).
  static Filter FromNode(Node node);

  friend Filter operator&&(const Filter& a, const Filter& b);
  friend Filter operator||(const Filter& a, const Filter& b);
  friend Filter operator!(const Filter& a);

  const Node& node() const { return *node_; }
  // A compact, stable text form, e.g. (and (eq status dangCongTac) (name tokens "nguyen an")).
  std::string ToString() const;

 private:
  explicit Filter(std::shared_ptr<const Node> node) : node_(std::move(node)) {}
  std::shared_ptr<const Node> node_;
};

enum class SortOrder : int {
  kId = 1,    // by dossier id
  kName = 2,  // Vietnamese order: given name, then middle names, then surname (ICU collator)
  // The full name as written (surname, middle names, given name), case and diacritics folded as
  // name matching folds them, then id: the order of a name search, which an exact or prefix
  // Filter::Name answers page by page as it reads the name index, without sorting.
  kFullName = 3,
};

struct Query {
  Filter filter;
  SortOrder sort = SortOrder::kId;
  std::vector<Field> fields;   // what each row carries; empty: id, full name, birth date, gender,
                               // rank, status, managing unit
  std::uint32_t limit = 100;   // rows per page, 1..1000
  std::string cursor;          // next_cursor of the previous page; empty: the first page
  // Without an index for the filter, a query fails (InvalidArgument) unless this allows reading
  // every dossier's index row.
  bool allow_scan = false;
  // Why dossiers outside one's own unit are read (article 11); without one a query sees only the
  // dossiers of its own unit.
  Purpose purpose = Purpose::kNone;
  std::string reference_date;  // for kAgeBand: "YYYY-MM-DD", empty: on_date, else today (in the database's time zone)
  // Valid time: evaluates the query as of this date ("YYYY-MM-DD"): rank, rankStep, coefficient,
  // rankGroup and workingUnit take the values in force then (see InForce), and dossiers of people
  // not yet recruited are left out. Reads (decrypts) every candidate's record.
  std::string on_date;

  // Parses the JSON form (docs/format.md, "Queries"), e.g.
  //   {"filter": {"and": [{"eq": {"field": "managingUnit", "value": "27460"}},
  //                       {"name": {"text": "nguyen van", "match": "prefix"}}]},
  //    "sort": "name", "fields": ["fullName", "birthDate"], "limit": 50}
  // Returns: the query; InvalidArgument naming the JSON path at fault.
  static Result<Query> FromJson(std::string_view json);
};

// What a dossier's timelines say was in force on a date (valid time), as opposed to what its
// latest version holds: the latest salary row effective by then, the positions appointed and not
// yet ended, the unit of the latest transfer not yet returned from.
struct InForce {
  std::string date;
  bool recruited = false;  // recruited on or before the date
  std::string rank;        // empty: no salary row was in force yet
  std::string rank_step;
  std::string coefficient;
  std::vector<std::string> positions;
  std::string working_unit;
};

struct QueryRow {
  std::string id;
  std::vector<std::optional<std::string>> values;  // one per QueryResult::fields; nullopt:
                                                   // redacted (above what the policy lets through)
};

struct QueryResult {
  std::vector<Field> fields;
  std::vector<QueryRow> rows;
  std::string next_cursor;    // empty on the last page
  std::string plan;           // how the query was answered (see ExplainQuery)
  std::uint64_t examined = 0; // index rows read to answer it
};

// Counts grouped by up to three statistical fields (derived ones included), e.g. by managing unit
// and gender; never by a field that identifies a person (see Database::Count). Tier 2 counts the
// whole district, tier 1 its own unit.
struct CountQuery {
  Filter filter;
  std::vector<Field> group_by;  // 0 to 3 fields, none identifying
  std::string reference_date;   // for kAgeBand; empty: on_date, else today (in the database's time zone)
  std::string on_date;          // valid time, as Query::on_date
  static Result<CountQuery> FromJson(std::string_view json);
};

struct CountRow {
  std::vector<std::string> key;  // one value per group_by field ("" when absent)
  std::uint64_t count = 0;
};

struct CountResult {
  std::vector<Field> group_by;
  std::vector<CountRow> rows;  // ordered by key
  std::uint64_t total = 0;
};

// Exports (article 3.5) are a right of their own: outside one's own unit a grant must give
// kGrantExport.
enum class ExportFormat : int {
  kJsonLines = 1,  // one JSON object per line
  kCsv = 2,        // UTF-8 with a byte-order mark (spreadsheets then read Vietnamese), a header row
};

struct ExportOptions {
  ExportFormat format = ExportFormat::kJsonLines;
  // JSON Lines only: each line is the whole dossier (canonical JSON, redacted as the policy
  // decides) instead of the query's fields. Decrypts every exported record.
  bool whole_dossiers = false;
};

// Bulk import from JSON Lines: one dossier per line, validated line by line, committed in
// batches of `batch_lines` lines, each all or nothing.
struct ImportOptions {
  std::uint32_t batch_lines = 1000;  // 1..10000
  // The number of the input's first line in the caller's whole file, when it imports a file a
  // slice at a time: errors and audit entries number lines from it, and a byte-order mark is
  // taken only when it is 1. Since: 1.1
  std::uint64_t first_line = 1;
};

struct ImportError {
  std::uint64_t line = 0;  // 1-based line of the input
  std::string message;     // "<json path>: <what>", as DossierDraft::FromJson and Create say
};

struct ImportReport {
  std::uint64_t lines = 0;              // dossier lines read (blank lines are skipped)
  std::uint64_t imported = 0;
  std::uint64_t batches_committed = 0;
  std::uint64_t batches_rejected = 0;   // batches with a line at fault: none of their lines written
  std::vector<ImportError> errors;      // every line at fault, in order (the first 1000)
  std::vector<std::string> ids;         // ids of the imported dossiers, in line order
};

// What VerifyIndexes found (and, with repair, fixed).
struct IndexReport {
  std::uint64_t dossiers = 0;
  std::uint64_t entries = 0;   // index entries read
  std::uint64_t missing = 0;   // entries a record needs that were absent
  std::uint64_t stray = 0;     // entries no record has
  std::uint64_t wrong = 0;     // entries with the wrong value
  std::uint64_t repaired = 0;  // of those, fixed by this call
  std::vector<std::string> problems;  // the first 100, each "<index>/<dossier>: <what>"
};

// The folded form that name search compares: lower case, no diacritics, đ as d, single spaces
// ("Nguyễn  Văn ĐẠT" -> "nguyen van dat").
std::string FoldForSearch(std::string_view text);

// Encodes results as JSON: {"fields": [...], "rows": [{"id": ..., "<field>": ...}], "nextCursor",
// "plan"}; redacted values are left out of their row.
std::string QueryResultToJson(const QueryResult& result);
std::string CountResultToJson(const CountResult& result);

#pragma GCC visibility pop
}  // namespace hsdt
