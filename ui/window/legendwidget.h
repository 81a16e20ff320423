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
    QSize minimumSizeHint() const override;
    // Narrower than one row, the entries wrap onto more rows.
    bool hasHeightForWidth() const override { return true; }
    int heightForWidth(int width) const override;

protected:
    void paintEvent(QPaintEvent *event) override;
};

} // namespace ui
