"""Stop words left out of the "top words" of a search history (lower-case).

Short hand-made lists of the commonest function words of English, German, French and
Spanish (articles, pronouns, prepositions, conjunctions, auxiliaries, question words) plus
the few words people type into a search box without meaning (``how``, ``wie``...).
"""

from __future__ import annotations

__all__ = ["STOP_WORDS", "stop_words_for"]

_EN = """
a about above after again against all am an and any are as at be because been before being
below between both but by can could did do does doing down during each few for from further
had has have having he her here hers herself him himself his how i if in into is it its
itself just me more most my myself no nor not now of off on once only or other our ours
ourselves out over own same she should so some such than that the their theirs them
themselves then there these they this those through to too under until up very was we were
what when where which while who whom why will with would you your yours yourself
yourselves vs near best what's how's don't can't won't isn't it's i'm
"""
_DE = """
aber alle allem allen aller alles als also am an ander andere anderem anderen anderer
anderes auch auf aus bei beim bin bis bist da damit dann das dass dem den denn der des
dessen dich die dies diese diesem diesen dieser dieses dir doch dort du durch ein eine
einem einen einer eines er es etwas euch euer eure für gegen gewesen hab habe haben hat
hatte hatten hier hin hinter ich ihm ihn ihnen ihr ihre ihrem ihren ihrer ihres im in
indem ins ist jede jedem jeden jeder jedes jetzt kann kein keine keinem keinen keiner
können könnte man manche mein meine meinem meinen meiner mich mir mit muss musste nach
nicht nichts noch nun nur ob oder ohne sehr sein seine seinem seinen seiner sich sie sind
so solche soll sollte sondern über um und uns unser unter vom von vor war waren warum was
weil welche welchem welchen welcher welches wenn wer werde werden wie wieder will wir
wird wirst wo wollen würde zu zum zur zwischen
"""
_FR = """
a à afin ai aie aient as au aucun aucune aussi autre aux avec avez avoir avons ayant c ça
car ce ceci cela celle celles celui ces cet cette chez ci comme comment d dans de des donc
dont du elle elles en encore es est et été être étaient était eu eux fait il ils j je l la
le les leur leurs lui m ma mais me même mes moi mon n ne ni nos notre nous on ont ou où par
pas peu peut plus pour pourquoi qu quand que quel quelle quelles quels qui s sa sans se
ses si son sont sous sur ta te tes toi ton tous tout toute toutes très tu un une vos votre
vous y
"""
_ES = """
a al algo algunas algunos ante antes como cómo con contra cual cuál cuales cuando cuándo
de del desde donde dónde durante e el él ella ellas ellos en entre era eran es esa esas
ese eso esos esta está están estas este esto estos fue fueron ha han hasta hay la las le
les lo los más me mi mis mucho muy nada ni no nos nosotros o os otra otras otro otros para
pero poco por porque qué que quien quién quienes se sea ser si sí sin sobre son su sus
también tan te tiene tienen todo todos tu tú tus un una unas uno unos usted ustedes y ya yo
"""

#: Stop words by language code.
STOP_WORDS: dict[str, frozenset[str]] = {
    "en": frozenset(_EN.split()),
    "de": frozenset(_DE.split()),
    "fr": frozenset(_FR.split()),
    "es": frozenset(_ES.split()),
}


def stop_words_for(languages: tuple[str, ...] | list[str] = ("en", "de", "fr", "es")) -> set[str]:
    """Union of the stop-word lists of ``languages``.

    Examples
    --------
    >>> {"the", "und", "pour", "cómo"} <= stop_words_for()
    True
    """
    out: set[str] = set()
    for lang in languages:
        out |= STOP_WORDS[lang]
    return out
