// Recognising the input format from the first bytes of the content.
#pragma once

#include <string_view>

#include "ingest/block_reader.h"
#include "ingest/reader.h"

namespace unmask::ingest {

/// Detects the format from the start of the content, after any byte order mark and leading
/// whitespace. `[` opens a JSON array, `{"records":` the Event Hub form and any other `{`
/// JSON Lines. Anything else, including empty content, is CSV with a header row.
Format DetectFormat(std::string_view head);

/// Returns how the records of a probed file are delimited.
Framing FramingOf(const InputInfo& info);

/// True when the first JSON document in `head` continues past its first line (pretty-printed
/// JSON). False for one document per line, and when `head` has no line end to decide by.
/// Also false when the first line is cut short, so that the read rejects only that line. A cut
/// shows when the first line ends inside a string, or when one of the next few lines is a whole
/// object and the line after it opens another.
/// NOTE: a first line cut outside a string, in a file whose next lines are not whole objects,
/// still looks pretty-printed.
bool DetectJsonMultiline(std::string_view head);

}  // namespace unmask::ingest
