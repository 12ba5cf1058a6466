// Reading and splitting training text (shared by the language model and seq2seq tasks).
#pragma once
#include <string>
#include <vector>

namespace rnngen::train {

// The files one after another, each ending a line: the last line of one file and the first of
// the next are two lines, not one word or sentence that neither file has.
std::string read_training_text(const std::vector<std::string>& files);

// Splits off the last `fraction` of the text for validation: at a line start in lines mode
// and for words (else a word cut in two would be two words no text has; a text of one line is
// cut after a space or tab), anywhere between two characters otherwise.
void split_validation(const std::string& all, double fraction, bool lines, bool words, std::string& train,
                      std::string& val);

}  // namespace rnngen::train
