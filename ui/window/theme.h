#pragma once

#include <QIcon>
#include <QPalette>

namespace ui {

// A dark palette for Fusion (`interleave --dark`, screenshots).
QPalette darkPalette();

// A check box as an icon (Off / On states), so a ticked mode reads as ticked
// in any style, not only as a pressed tool button.
QIcon toggleIcon(const QPalette &palette);

} // namespace ui
