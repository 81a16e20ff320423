#include "core/base/englishplurals.h"

#include <QCoreApplication>
#include <QPointer>

#include <cstring>

namespace il {

QString EnglishPlurals::translate(const char *, const char *sourceText, const char *, int n) const
{
    // A null result means "no translation here": Qt then uses the source.
    if (n < 0 || !sourceText || !std::strstr(sourceText, "(s)"))
        return QString();
    QString text = QString::fromUtf8(sourceText);
    text.replace(QLatin1String("(s)"), n == 1 ? QString() : QStringLiteral("s"));
    return text;
}

namespace {
// The one installed in the current application, so the check is cheap
// enough for every header the painter draws.
QPointer<EnglishPlurals> g_installed;
} // namespace

void installEnglishPlurals()
{
    QCoreApplication *app = QCoreApplication::instance();
    if (!app || (g_installed && g_installed->parent() == app))
        return;
    g_installed = new EnglishPlurals(app);
    QCoreApplication::installTranslator(g_installed);
}

QString translateCount(const char *context, const char *text, int n)
{
    installEnglishPlurals();
    return QCoreApplication::translate(context, text, nullptr, n);
}

} // namespace il

// Every program that makes counted words gets English plurals from the
// start; the entry points need not remember to ask.
static void installEnglishPluralsAtStartup()
{
    il::installEnglishPlurals();
}
Q_COREAPP_STARTUP_FUNCTION(installEnglishPluralsAtStartup)

