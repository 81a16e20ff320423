#pragma once

#include <QWidget>

namespace ui {

// The timeline's key: one swatch (colour + pattern) per item kind.
class LegendWidget : public QWidget
{
    Q_OBJECT
public:
    explicit LegendWidget(QWidget *parent = nullptr);
    QSize sizeHint() const override;

protected:
    void paintEvent(QPaintEvent *event) override;
};

} // namespace ui
