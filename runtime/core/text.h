// Text from a model or a file (tensor, signature and metadata names, JSON
// tokens) made safe to print: one line, no terminal control sequences.
//
//   std::string line = PrintableText(name);   // "a\nb\x1b[2J" -> "a\\nb\\x1b[2J"
//   Status s = InvalidModel("tensor " + QuotedName(name) + ": ...");   // names quoted where the message is made
//   std::cerr << OneLine(s.message());        // and every line checked where it leaves
#pragma once

#include <string>
#include <string_view>

namespace tfldbg {

// Escapes control characters (C0, DEL, and C1 such as U+009B CSI), backslashes
// and bytes that are not valid UTF-8 as \n, \t, \\ or \xNN; other UTF-8 text
// passes unchanged.
std::string PrintableText(std::string_view text);

// PrintableText in single quotes: 'name'.
std::string QuotedName(std::string_view text);

// For whole messages on their way out (stderr, stdout): escapes what
// PrintableText escapes except the backslash, so a message whose names were
// already quoted with QuotedName passes unchanged (its "\\n" is not doubled), while a raw
// name that slipped into it still cannot break the line or reach the terminal.
std::string OneLine(std::string_view text);

}  // namespace tfldbg
