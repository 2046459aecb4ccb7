"""Small curated word lists for the name recogniser: what is never a name, and what announces one.

All entries are casefolded. Inflected Finnish forms are matched through ``base_forms`` (names.py), so
a list holds the base form only ('omnia' also covers 'Omnian', 'Omniassa').
"""

from __future__ import annotations


def words(text: str) -> frozenset[str]:
    """A word list written as running text, one or more words a line."""
    return frozenset(text.split())


# Capitalised words that are never a person's name in our texts. Kept short on purpose: with Voikko,
# Finnish common words are recognised by the lexicon; this list is for what the lexicon does not know
# (English words, service and system names) or misreads as a first name ('Wilma', the school system).
NOT_NAMES = words(
    """
    trust participation knowledge justice fairness equality freedom equity inclusion dignity respect
    luottamus osallisuus tieto oikeudenmukaisuus yhdenvertaisuus vapaus tasa-arvo reiluus
    kela hus omnia ohjaamo wilma teams zoom whatsapp signal telegram messenger facebook instagram
    tiktok youtube google outlook gmail excel word powerpoint kanta omakanta omaolo suomi.fi
    helmet migri dvv vero verohallinto traficom avi ely te-toimisto te-palvelut te-keskus
    monday tuesday wednesday thursday friday saturday sunday
    january february march april may june july august september october november december
    jan feb mar apr jun jul aug sep sept oct nov dec mon tue tues wed thu thur thurs fri sat sun
    maanantai tiistai keskiviikko torstai perjantai lauantai sunnuntai
    tammikuu helmikuu maaliskuu huhtikuu toukokuu kesäkuu heinäkuu elokuu syyskuu lokakuu
    marraskuu joulukuu
    english finnish swedish russian polish romanian ukrainian estonian somali arabic kurdish dari
    farsi persian turkish vietnamese chinese spanish french german thai albanian sami romani
    tigrinya amharic portuguese italian dutch hindi urdu bengali tamil
    finland sweden russia estonia ukraine somalia
    christmas easter ramadan eid midsummer new year hanukkah diwali
    i i'm i've i'd i'll ok okay tv wi-fi wifi covid-19 covid
    mr mrs ms miss mx dr prof sir madam
    dnro dno nro puh tel klo ref id nb ps eg ie etc vrt esim ks huom os ts ym mm yms
    """
)

# English nouns that make a run of capitalised words an organisation or a place, not a person:
# 'Helsinki City Library', 'Riverside Community Centre', 'Job Centre'.
ORGANISATION_WORDS = words(
    """
    library libraries city centre center service services office hospital clinic school schools
    college university academy department unit team agency council ministry institute foundation
    association society church mosque museum station project programme program network board
    court police health care social youth family employment housing welfare municipal national
    international street road avenue lane park square house hall kindergarten daycare day-care
    nursery club cafe café shop market company ltd oy ab inc group union benefits insurance
    authority administration registry register bureau helpline desk counter reception support
    hub point corner red cross advice citizens job jobs centre council committee
    """
)

# Words before a name: honorifics take any capitalised word after them ('Dr Nieminen', 'rouva Kallio').
HONORIFICS = words(
    """
    mr mrs ms miss mx dr prof sir madam
    rouva rouvan rouvalle rouvalta rouvaa herra herran herralle herralta herraa neiti neidin
    neidille tohtori tohtorin tohtorille
    """
)

# Roles and relations: 'client Okafor', 'äiti Sari', 'asiakkaan Virtasen'. Finnish ones with their
# common inflected forms (nominative, genitive stem + endings, partitive); see ``_finnish_forms``.
_ENGLISH_ROLES = words(
    """
    client customer pupil student patient mother father mum mom dad parent guardian son daughter
    brother sister grandmother grandfather grandma grandpa granny aunt uncle cousin wife husband
    partner colleague teacher nurse doctor interpreter tenant neighbour neighbor resident applicant
    child boy girl baby friend trainee employer manager boss caseworker officer counsellor counselor
    therapist landlord landlady contact parents children kids pupils students clients
    """
)

# (nominative, weak or vowel stem for the -n/-lle/-lla/-lta cases, partitive)
_FINNISH_ROLES = (
    ("asiakas", "asiakkaa", "asiakasta"),
    ("oppilas", "oppilaa", "oppilasta"),
    ("opiskelija", "opiskelija", "opiskelijaa"),
    ("potilas", "potilaa", "potilasta"),
    ("äiti", "äidi", "äitiä"),
    ("isä", "isä", "isää"),
    ("vanhempi", "vanhemma", "vanhempaa"),
    ("huoltaja", "huoltaja", "huoltajaa"),
    ("poika", "poja", "poikaa"),
    ("tytär", "tyttäre", "tytärtä"),
    ("veli", "velje", "veljeä"),
    ("sisko", "sisko", "siskoa"),
    ("sisar", "sisare", "sisarta"),
    ("isoäiti", "isoäidi", "isoäitiä"),
    ("isoisä", "isoisä", "isoisää"),
    ("mummo", "mummo", "mummoa"),
    ("mummi", "mummi", "mummia"),
    ("vaari", "vaari", "vaaria"),
    ("ukki", "uki", "ukkia"),
    ("pappa", "papa", "pappaa"),
    ("täti", "tädi", "tätiä"),
    ("setä", "sedä", "setää"),
    ("eno", "eno", "enoa"),
    ("serkku", "serku", "serkkua"),
    ("vaimo", "vaimo", "vaimoa"),
    ("puoliso", "puoliso", "puolisoa"),
    ("kollega", "kollega", "kollegaa"),
    ("työkaveri", "työkaveri", "työkaveria"),
    ("opettaja", "opettaja", "opettajaa"),
    ("hoitaja", "hoitaja", "hoitajaa"),
    ("sairaanhoitaja", "sairaanhoitaja", "sairaanhoitajaa"),
    ("terveydenhoitaja", "terveydenhoitaja", "terveydenhoitajaa"),
    ("lääkäri", "lääkäri", "lääkäriä"),
    ("tulkki", "tulki", "tulkkia"),
    ("vuokralainen", "vuokralaise", "vuokralaista"),
    ("naapuri", "naapuri", "naapuria"),
    ("asukas", "asukkaa", "asukasta"),
    ("hakija", "hakija", "hakijaa"),
    ("lapsi", "lapse", "lasta"),
    ("tyttö", "tytö", "tyttöä"),
    ("vauva", "vauva", "vauvaa"),
    ("ystävä", "ystävä", "ystävää"),
    ("kaveri", "kaveri", "kaveria"),
    ("harjoittelija", "harjoittelija", "harjoittelijaa"),
    ("työnantaja", "työnantaja", "työnantajaa"),
    ("esihenkilö", "esihenkilö", "esihenkilöä"),
    ("esimies", "esimiehe", "esimiestä"),
    ("ohjaaja", "ohjaaja", "ohjaajaa"),
    ("opinto-ohjaaja", "opinto-ohjaaja", "opinto-ohjaajaa"),
    ("rehtori", "rehtori", "rehtoria"),
    ("kuraattori", "kuraattori", "kuraattoria"),
    ("psykologi", "psykologi", "psykologia"),
    ("terapeutti", "terapeuti", "terapeuttia"),
    ("vuokranantaja", "vuokranantaja", "vuokranantajaa"),
    ("yrittäjä", "yrittäjä", "yrittäjää"),
    ("yhteyshenkilö", "yhteyshenkilö", "yhteyshenkilöä"),
    ("sosiaalityöntekijä", "sosiaalityöntekijä", "sosiaalityöntekijää"),
    ("sosiaaliohjaaja", "sosiaaliohjaaja", "sosiaaliohjaajaa"),
    ("virkailija", "virkailija", "virkailijaa"),
    ("tilinomistaja", "tilinomistaja", "tilinomistajaa"),
    ("omistaja", "omistaja", "omistajaa"),
)
_STEM_ENDINGS = ("n", "lle", "lla", "llä", "lta", "ltä", "ksi", "nsa", "nsä", "ni", "mme")


def _finnish_forms() -> frozenset[str]:
    forms: set[str] = set()
    for nominative, stem, partitive in _FINNISH_ROLES:
        forms.update((nominative, partitive, nominative + "ni", nominative + "nsa", nominative + "nsä"))
        forms.update(stem + ending for ending in _STEM_ENDINGS)
    return frozenset(forms)


# plurals before names: 'vanhemmat Mari ja Antti', 'lapset Aino ja Eelis'
_FINNISH_PLURALS = words(
    """
    vanhemmat vanhempien lapset lasten asiakkaat oppilaat potilaat sisarukset veljet siskot pojat
    tyttäret huoltajat kollegat opettajat tulkit naapurit asukkaat hakijat isovanhemmat
    """
)

ROLES = _ENGLISH_ROLES | _finnish_forms() | _FINNISH_PLURALS
# The base forms alone: 'asiakas Mäkelä' names a person; 'asiakkaan Kontulan terveysasemalla'
# (the client's Kontula health station) does not, so a place after a role needs one of these.
ROLE_BASES = (
    frozenset(_ENGLISH_ROLES) | frozenset(role for role, _, _ in _FINNISH_ROLES) | frozenset(_FINNISH_PLURALS)
)

# English words that Voikko also knows as first names: at the start of a sentence they are words
# ('Will you…', 'Mark the form'); elsewhere, capitalised, they are names.
ENGLISH_WORDS_ALSO_NAMES = words(
    """
    will may mark bill grant rose june april august art sue pat max ray jack frank ben jean hope
    faith joy grace dawn amber sandy penny rich bob carol drew gene guy miles wade chase cliff
    """
)

# Lower-case particles inside a name: 'Ludwig van Beethoven', 'Ahmed bin Said'.
NAME_PARTICLES = words("van von der den de da di du del la le bin ibn al el af ter")

# Finnish places whose name looks like a -nen surname (names.py treats -nen words as surnames).
NEN_PLACES = words("kauniainen parainen joroinen kuhmoinen pornainen sörnäinen")

# Given names from many countries, nearly all unknown to the Voikko lexicon as first names (checked
# against voikko-fi 2.5), so that 'Noah', 'Fatimalta' and 'Priya' are names with or without Voikko.
# Common given names of the larger language groups in Finland (Arabic, Somali, Kurdish, Persian,
# Russian, Ukrainian, Estonian, Polish, Turkish, Vietnamese, Chinese, South Asian, West African)
# and in English-speaking countries.
GIVEN_NAMES = words(
    """
    aaliyah abbas abdi abdiaziz abdikarim abdirahman abdullah abdulla abdul abdullahi abdulrahman
    abigail abubakar adil adnan afrah afsaneh agnieszka ahmad ahmadi aisha ayesha akira alejandro
    aleksandr aleksei alexei alexey ali alisher amal amani amina amir amira amna anas andrey andriy
    anil anjali arash arif arjun artem artyom asad asha asif ayaan ayan ayman aziz bashir bilal
    bogdan burak carlos catherine chen chidi chinedu chioma chloe darius daria darya dawit deniz
    dima dmitri dmitry dmytro eduardo elif emeka emre eric ethan ewa farah farhan farid farida
    fatima fatuma fernando filip gabriela habib hadi hafsa halima hamid hamza hana hannah haruto
    hasan hassan hawa hiba hodan hussein hussain idris ifrah igor ilhan ilyas imran inna isabel
    ishaan ismail jacob jamal jana javier jia jin jorge jose joshua juan kamal karim kateryna
    katarzyna khadija khalid kiran kofi kwame layla leyla li liam liu lucy luis mahmoud malik
    manuel marek mariam maryam marta mateusz maxim maya mehmet mei mihai mohamed mohammed
    muhammad mustafa nadia naomi nasra nikita nimo noah nour nur oksana olena oleg oleksandr
    oleksii omar osman pavel pawel piotr priya rahul rania rashid raj ravi reza ruslan ryan
    sabrina sadia saeed safa sahra saida salma samir samira sana sergey shirin siddharth sophia
    taras tomasz tuan usman valentina wei xin yasmin yara yusuf yousef yuki yuri zahra zainab zara
    zeynep ziad zahid zakaria hamdi hibo ikram ilham jabril khalif mukhtar najib nasir qadir ramla
    sagal salah shukri sumaya ubah warsame yasin zakariye ahmet ayse emine fatma hatice huseyin
    murat yusuf oksana svetlana tatiana tatyana yulia yelena ekaterina natalya nadezhda lyudmila
    kateryna iryna halyna vasyl mykola bohdan yaroslav kristjan kaarel kertu liis triin
    rasmus siim tõnu agata zofia wojciech krzysztof magdalena jakub kacper szymon zuzanna
    thanh huong linh minh phuong hoa duc quang xiao ming hui yong priyanka
    deepak sunita anand vikram aarav aditya rohan sneha pooja kavya amara adaeze ngozi oluwaseun
    tunde ade kemi yaw abena kojo akosua mateo santiago valeria camila sebastian diego
    """
)
