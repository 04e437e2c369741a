using { live } from '../db/schema';

service Catalog @(path: '/odata') {
  entity Authors as projection on live.Authors;
  entity Genres as projection on live.Genres;
  entity Books as projection on live.Books actions {
    // Adds `amount` to the book's stock and returns the book.
    action addStock(amount : Integer) returns Books;
    // The book's price times `factor`, exactly.
    function priceTimes(factor : Integer) returns Decimal(38, 18);
  };
  // Returns `amount` doubled.
  action restock(amount : Integer) returns Integer;
  // Returns `value` as it arrived: how a decimal's every digit crosses both ways.
  action echoDecimal(value : Decimal(38, 18)) returns Decimal(38, 18);
  // How many books there are.
  function bookCount() returns Integer;
}
