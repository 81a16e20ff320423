// The window's toolbars at the width of a common screen: every control
// shown, none behind the overflow chevron.
#include "ui/timeline/spanstyle.h"
#include "ui/window/legendwidget.h"
#include "ui/window/mainwindow.h"

#include <QAction>
#include <QSettings>
#include <QStandardPaths>
#include <QTest>
#include <QToolBar>
#include <QToolButton>

class TestToolbar : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase();
    void everyControlShows_data();
    void everyControlShows();
};

void TestToolbar::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true);
    QSettings().clear();
}

void TestToolbar::everyControlShows_data()
{
    QTest::addColumn<int>("width");
    QTest::newRow("1600 px") << 1600;
    QTest::newRow("1280 px") << 1280;
}

void TestToolbar::everyControlShows()
{
    QFETCH(int, width);
    ui::MainWindow w({false});
    w.resize(width, 1000);
    w.show();
    QVERIFY(QTest::qWaitForWindowExposed(&w));
    const QList<QToolBar *> bars = w.findChildren<QToolBar *>();
    QVERIFY(bars.size() >= 1);
    int controls = 0;
    for (QToolBar *bar : bars) {
        QVERIFY2(bar->isVisible(), qPrintable(bar->windowTitle()));
        // Qt's chevron for what did not fit: never needed.
        for (QToolButton *b : bar->findChildren<QToolButton *>(QStringLiteral("qt_toolbarext_button")))
            QVERIFY2(!b->isVisible(), qPrintable(bar->windowTitle()));
        for (QAction *a : bar->actions()) {
            if (a->isSeparator())
                continue;
            QWidget *control = bar->widgetForAction(a);
            QVERIFY(control);
            const QString name = a->text().isEmpty() ? control->metaObject()->className() : a->text();
            QVERIFY2(control->isVisible(), qPrintable(QStringLiteral("%1 hidden at %2 px").arg(name).arg(width)));
            QVERIFY2(bar->rect().contains(control->geometry()), qPrintable(name));
            ++controls;
        }
    }
    // Open, Save picture, ten modes, workers and repeat (label and box), Run, Stop.
    QVERIFY2(controls >= 18, qPrintable(QString::number(controls)));

    // The timeline's legend: every entry shown, none behind the view
    // switch beside it; narrower than one row, it wraps onto a second.
    auto *legend = w.findChild<ui::LegendWidget *>();
    QVERIFY(legend);
    const int rowHeight = legend->heightForWidth(legend->sizeHint().width());
    QVERIFY(rowHeight > 0);
    QCOMPARE(legend->height(), legend->heightForWidth(legend->width()));
    QVERIFY2(legend->height() >= ui::legendRows(legend->font(), ui::SpanStyle::forPalette(legend->palette()),
                                                legend->width()) * rowHeight,
             qPrintable(QString::number(legend->height())));
    if (width < 1440)
        QVERIFY2(legend->height() >= 2 * rowHeight, qPrintable(QString::number(legend->width())));
    for (QToolButton *b : legend->parentWidget()->findChildren<QToolButton *>())
        QVERIFY2(!legend->geometry().intersects(b->geometry()), qPrintable(b->text()));
}

QTEST_MAIN(TestToolbar)
#include "tst_toolbar.moc"
