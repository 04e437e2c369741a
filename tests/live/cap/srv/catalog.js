// The operations of srv/catalog.cds.
const cds = require('@sap/cds')

module.exports = class Catalog extends cds.ApplicationService {
  init() {
    const { Books } = this.entities
    this.on('addStock', Books, async (req) => {
      const book = await SELECT.one.from(req.subject)
      if (!book) return req.reject(404, 'no such book')
      await UPDATE(req.subject).with({ stock: BigInt(book.stock ?? 0) + BigInt(req.data.amount) })
      return SELECT.one.from(req.subject)
    })
    this.on('priceTimes', Books, async (req) => {
      const book = await SELECT.one.from(req.subject)
      if (!book) return req.reject(404, 'no such book')
      return times(String(book.price), req.data.factor)
    })
    this.on('restock', (req) => req.data.amount * 2)
    this.on('echoDecimal', (req) => req.data.value)
    this.on('bookCount', async () => (await SELECT.one`count(*) as n`.from(Books)).n)
    return super.init()
  }
}

// `decimal` (text) times a small integer, digit by digit, so no precision is lost.
function times(decimal, factor) {
  const negative = decimal.startsWith('-')
  const [whole, fraction = ''] = decimal.replace('-', '').split('.')
  const product = BigInt(whole + fraction) * BigInt(factor)
  let digits = (product < 0n ? -product : product).toString().padStart(fraction.length + 1, '0')
  const point = digits.length - fraction.length
  const text = fraction.length ? `${digits.slice(0, point)}.${digits.slice(point)}` : digits
  return (negative !== product < 0n ? '-' : '') + text
}
