// The web playground `rnngen serve` answers at GET /: one self-contained page (no CDN, works
// offline) that streams a completion, colours each token by a hidden unit's activation
// (Karpathy, Johnson and Fei-Fei, "Visualizing and Understanding Recurrent Networks"), shows
// the top-5 next-token probabilities on hover, and draws the training curve.
#pragma once

namespace rnngen::serve {

const char* playground_html();

}  // namespace rnngen::serve
