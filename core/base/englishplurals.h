#pragma once

#include <QTranslator>

namespace il {

// English numerus forms for tr("%n task(s)", nullptr, n) strings.
// Qt writes plurals as "(s)" in the source and expects a translation file to
// pick the form, even for English; the build machines have no lrelease, so
// this translator does English's one rule itself: "(s)" is dropped for 1 and
// becomes "s" otherwise. Any real translation installed later takes
// precedence (Qt asks the most recently installed translator first).
class EnglishPlurals : public QTranslator
{
    Q_OBJECT
public:
    using QTranslator::QTranslator;
    bool isEmpty() const override { return false; }
    QString translate(const char *context, const char *sourceText, const char *disambiguation = nullptr,
                      int n = -1) const override;
};

// Installs one EnglishPlurals in the running application (idempotent). Done
// by itself when a QCoreApplication is made in any program that links this
// file; call it where the application already existed before that.
void installEnglishPlurals();

// QCoreApplication::translate(context, text, nullptr, n) with English plural
// forms guaranteed, for code outside a QObject (the painter, the picture):
// installs EnglishPlurals first if nobody has.
QString translateCount(const char *context, const char *text, int n);

} // namespace il
