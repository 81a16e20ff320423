#pragma once

#include <QByteArray>

class QImage;

namespace ui {

// An opaque picture as PNG, fast: 8-bit RGB, no row filter, zlib's fastest
// level. Flat colours compress about as well as Qt's writer at quality 80
// (which tries every row filter) at about three times the speed; the saved
// picture spends most of its time here. Empty on failure.
QByteArray encodeOpaquePng(const QImage &image);

} // namespace ui
