// The live test's data model: every primitive type the generator maps, keys of
// three types, a to-one and a to-many association, a composition (OData
// containment), an enum (Validation.AllowedValues) and an ETag.
namespace live;
using { cuid, managed } from '@sap/cds/common';

type Shelf : String enum { fiction; science; history = 'HISTORY'; }

entity Authors : cuid {
  name  : String(100);
  books : Association to many Books on books.author = $self;
}

entity Genres {
  key code : String(200);
  name     : String;
}

entity Books : managed {
  key ID      : Integer;
  title       : String;
  author      : Association to Authors;
  genre       : Association to Genres;
  chapters    : Composition of many Chapters on chapters.book = $self;
  price       : Decimal(38, 18);
  stock       : Integer64;
  rating      : Double;
  pages       : Int32;
  edition     : Int16;
  volume      : UInt8;
  inPrint     : Boolean;
  published   : Date;
  // A text column: SQLite's timestamps keep milliseconds, OData's seven digits.
  printedAt   : String @odata.Type: 'Edm.DateTimeOffset';
  opensAt     : Time;
  readingTime : String @odata.Type: 'Edm.Duration';
  cover       : Binary;
  isbnId      : UUID;
  shelf       : Shelf;
  modifiedAt  : managed:modifiedAt @odata.etag;
}

entity Chapters {
  key book   : Association to Books;
  key number : Integer;
  title      : String;
}
