#include "ui/window/theme.h"

#include <QPainter>
#include <QPixmap>

namespace ui {

QPalette darkPalette()
{
    QPalette p;
    const QColor window(0x2b, 0x2f, 0x36), base(0x1f, 0x22, 0x27), text(0xe6, 0xe6, 0xe6);
    const QColor disabled(0x70, 0x74, 0x7a);
    p.setColor(QPalette::Window, window);
    p.setColor(QPalette::WindowText, text);
    p.setColor(QPalette::Base, base);
    p.setColor(QPalette::AlternateBase, window);
    p.setColor(QPalette::Text, text);
    p.setColor(QPalette::Button, window);
    p.setColor(QPalette::ButtonText, text);
    p.setColor(QPalette::ToolTipBase, base);
    p.setColor(QPalette::ToolTipText, text);
    p.setColor(QPalette::PlaceholderText, QColor(0x9a, 0xa0, 0xa8));
    p.setColor(QPalette::Highlight, QColor(0x2f, 0x7d, 0xc0));
    p.setColor(QPalette::HighlightedText, Qt::white);
    p.setColor(QPalette::Link, QColor(0x56, 0xb4, 0xe9));
    for (auto role : {QPalette::Text, QPalette::ButtonText, QPalette::WindowText})
        p.setColor(QPalette::Disabled, role, disabled);
    return p;
}

QIcon toggleIcon(const QPalette &palette)
{
    QIcon icon;
    const QColor accent = palette.color(QPalette::Highlight);
    const QColor frame = palette.color(QPalette::WindowText);
    for (bool on : {false, true}) {
        QPixmap pix(32, 32);
        pix.setDevicePixelRatio(2.0);
        pix.fill(Qt::transparent);
        QPainter p(&pix);
        p.setRenderHint(QPainter::Antialiasing);
        const QRectF box(2.5, 2.5, 11, 11);
        if (on) {
            p.setPen(Qt::NoPen);
            p.setBrush(accent);
            p.drawRoundedRect(box, 2.5, 2.5);
            p.setPen(QPen(Qt::white, 1.8, Qt::SolidLine, Qt::RoundCap, Qt::RoundJoin));
            p.drawPolyline(QPolygonF({QPointF(5.2, 8.2), QPointF(7.3, 10.4), QPointF(11, 5.6)}));
        } else {
            p.setPen(QPen(frame, 1.2));
            p.setBrush(Qt::NoBrush);
            p.drawRoundedRect(box, 2.5, 2.5);
        }
        p.end();
        icon.addPixmap(pix, QIcon::Normal, on ? QIcon::On : QIcon::Off);
    }
    return icon;
}

} // namespace ui
